// Threaded wasm in Node.
//
// tfjs-backend-wasm 4.22 ships a threaded-SIMD binary but never uses it in Node: its feature test returns
// false for Node, and its Emscripten glue hands pthread workers `blob:` URLs, which Node's worker_threads
// cannot load. We make it work by (1) forcing the flag, (2) recording the text of the two Blobs the glue
// creates while the backend initialises (the worker script and the main script) and writing them to real
// files that worker_threads can load, and (3) unref-ing the workers afterwards so a finished process exits.
// All global patches are undone when initialisation ends.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The factory's source (Function.toString of rollup output) refers to these module-level names of
// tf-backend-wasm.node.js; the worker evaluates it outside that module, so define them first.
const BUNDLER_NAMES =
  "var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), " +
  "require$$4 = require('os'), commonjsGlobal = globalThis;\n";

type BlobArgs = ConstructorParameters<typeof Blob>;

/** Runs `init` with Blob/URL patched so the wasm glue's blob URLs become files. */
export async function withNodeWorkerFiles<T>(init: () => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-wasm-threads-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const OriginalBlob = globalThis.Blob;
  const originalCreate = URL.createObjectURL;
  const blobText = new WeakMap<Blob, string>();
  let mainScriptFile = '';
  let n = 0;

  class RecordingBlob extends OriginalBlob {
    constructor(...args: BlobArgs) {
      super(...args);
      const parts = args[0] ? [...args[0]] : [];
      if (parts.length === 0 || !parts.every((p) => typeof p === 'string')) return;
      const text = (parts as string[]).join('');
      blobText.set(this, text);
      // The main script never goes through createObjectURL on this thread: it is posted to each worker
      // as a Blob. Write it now so the worker prelude below can point at it.
      if (text.startsWith('var WasmBackendModuleThreadedSimd')) {
        mainScriptFile = path.join(dir, 'main.js');
        fs.writeFileSync(mainScriptFile, BUNDLER_NAMES + text);
      }
    }
  }

  URL.createObjectURL = (obj: Blob): string => {
    const text = blobText.get(obj);
    if (text === undefined) return originalCreate(obj);
    // The pthread worker script. Inside the worker the main script arrives as a Blob; make the worker's
    // URL.createObjectURL answer with the file written above.
    const file = path.join(dir, `worker-${n++}.js`);
    const prelude = `URL.createObjectURL = () => ${JSON.stringify(mainScriptFile)};\nURL.revokeObjectURL = () => {};\n`;
    fs.writeFileSync(file, prelude + text);
    return file;
  };
  (globalThis as { Blob: typeof Blob }).Blob = RecordingBlob;
  try {
    return await init();
  } finally {
    (globalThis as { Blob: typeof Blob }).Blob = OriginalBlob;
    URL.createObjectURL = originalCreate;
  }
}

interface PThreadPool {
  unusedWorkers: { unref?: () => void }[];
  runningWorkers: { unref?: () => void }[];
}

/** Lets the process exit while pthread workers are idle (they would otherwise keep it alive). */
export function unrefWorkers(wasmModule: { PThread?: PThreadPool }): void {
  const pool = wasmModule.PThread;
  if (!pool) return;
  for (const w of [...pool.unusedWorkers, ...pool.runningWorkers]) w.unref?.();
}
