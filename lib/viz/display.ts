// Output in tslab notebook cells. A Jupyter mime bundle carries several representations of one output so each viewer
// picks the richest it can render: plotly charts go out as the figure JSON (JupyterLab's plotly renderer and VS Code
// draw it interactively) plus a PNG of it (GitHub, nbviewer and kernel-less viewers show that), without embedding
// plotly.js (4.8 MB) in every notebook; picture rows and tables as PNGs.
// tslab's public display.raw() sends one mime type per message, i.e. one output per type; tslab keeps the current
// cell's writer in its (internal) jupyter module, which the kernel process shares with us through Node's module cache.
import { type Figure, figureJson } from './figure';
import { type RenderOptions, renderFigure } from './renderFigure';
import { type ImageRowOptions, type ImageTableOptions, type Picture, imageRowPng, imageTablePng } from './images';

export type MimeBundle = Record<string, unknown>;

interface TslabJupyter {
  lastWriteDisplayData:
    | ((msg: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void)
    | null;
}

export function displayBundle(data: MimeBundle): void {
  // Required lazily: tslab's jupyter module pulls in the TypeScript compiler.
  const jupyter = require('tslab/dist/jupyter') as TslabJupyter;
  if (typeof jupyter.lastWriteDisplayData !== 'function') {
    throw new Error('displayBundle: not running inside a tslab notebook cell');
  }
  jupyter.lastWriteDisplayData({ data, metadata: {}, transient: {} }, false);
}

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

function titleOf(fig: Figure): string {
  const title = fig.layout?.title as { text?: unknown } | undefined;
  return typeof title?.text === 'string' ? title.text : 'untitled';
}

// png: the static rendering, or null when none could be made (the bundle then has JSON + text only).
export function figureBundle(fig: Figure, png: Buffer | null): MimeBundle {
  const bundle: MimeBundle = {
    [PLOTLY_MIME]: figureJson(fig),
    'text/plain': `<plotly figure: ${titleOf(fig)}, ${fig.data.length} trace(s)>`,
  };
  if (png) bundle['image/png'] = png.toString('base64');
  return bundle;
}

export async function showFigure(fig: Figure, opts: RenderOptions = {}): Promise<void> {
  let png: Buffer | null = null;
  try {
    png = await renderFigure(fig, 'png', opts);
  } catch (err) {
    // Still show the interactive chart; only the static fallback is missing.
    console.warn(`showFigure: no static PNG (${(err as Error).message})`);
  }
  displayBundle(figureBundle(fig, png));
}

export async function showImages(images: Picture[], opts: ImageRowOptions = {}): Promise<void> {
  const png = await imageRowPng(images, opts);
  displayBundle({
    'image/png': png.toString('base64'),
    'text/plain': `<${images.length} image(s)${opts.captions ? `: ${opts.captions.join(', ')}` : ''}>`,
  });
}

export async function showImageTable(rows: Picture[][], opts: ImageTableOptions = {}): Promise<void> {
  const png = await imageTablePng(rows, opts);
  displayBundle({ 'image/png': png.toString('base64'), 'text/plain': `<${rows.length} row(s) of images>` });
}
