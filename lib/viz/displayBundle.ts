// Shows a Jupyter mime bundle (several representations of one output) from a tslab notebook cell.
// tslab's public display.raw() sends one mime type per message, i.e. one output per type; a bundle lets
// each viewer pick the richest type it can render. tslab keeps the current cell's writer in its
// (internal) jupyter module, which the kernel process shares with us through Node's module cache.

export type MimeBundle = Record<string, unknown>;

interface TslabJupyter {
  lastWriteDisplayData: ((msg: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void) | null;
}

export function displayBundle(data: MimeBundle): void {
  // Required lazily: tslab's jupyter module pulls in the TypeScript compiler.
  const jupyter = require('tslab/dist/jupyter') as TslabJupyter;
  if (typeof jupyter.lastWriteDisplayData !== 'function') {
    throw new Error('displayBundle: not running inside a tslab notebook cell');
  }
  jupyter.lastWriteDisplayData({ data, metadata: {}, transient: {} }, false);
}
