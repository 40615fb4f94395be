// Training batches made on a worker thread, one step ahead: while step s trains on this thread, the worker makes the
// arrays of step s + 1 (batchArrays in lib/train/batches.ts), so the second core hides the data generation (~10 % of
// a joint step at the cpu preset). The worker runs the same functions on the same inputs as makeBatch on this
// thread, so the batches, and the run, are the same value for value; only their making moves. The worker reads
// the photos, cutouts or COCO index of the data mix itself (loadTrainingData), so this thread never holds them.
//
//   const batches = BatchPrefetcher.start(data, mix, end);  // worker thread started, data loading on it
//   const batch = await batches.take(s);                    // step s's tensors; step s + 1 is being made
//   batches.close();
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { DataMix } from '../config/presets';
import {
  type Batch,
  type BatchArrays,
  type DataConfig,
  batchArrays,
  batchTensors,
  loadTrainingData,
  prepareBatch,
} from './batches';

/** What the worker needs: the data config without the loaded sources, and the mix it loads them from. */
type WorkerInput = { kind: 'batch-prefetch'; config: Omit<DataConfig, 'sources' | 'coco'>; mix: DataMix };
type WorkerReply = { step: number; arrays: BatchArrays } | { step: number; error: string };

export class BatchPrefetcher {
  private readonly waiting = new Map<number, { resolve: (a: BatchArrays) => void; reject: (e: Error) => void }>();
  private readonly requested = new Map<number, Promise<BatchArrays>>();
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly end: number,
  ) {
    worker.on('message', (reply: WorkerReply) => {
      const waiter = this.waiting.get(reply.step);
      this.waiting.delete(reply.step);
      if ('error' in reply) waiter?.reject(new Error(reply.error));
      else waiter?.resolve(reply.arrays);
    });
    const fail = (e: Error) => {
      this.failure = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the batch worker thread stopped (exit code ${code})`)));
  }

  /** Starts the worker for steps below `end`; it loads the mix's data (a missing photo library is the first take's
   *  error). */
  static start(config: Omit<DataConfig, 'sources' | 'coco'>, mix: DataMix, end: number): BatchPrefetcher {
    const input: WorkerInput = { kind: 'batch-prefetch', config, mix };
    // a worker thread does not inherit the parent's TypeScript loader: it registers tsx's require hook first
    const code = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(__filename)});`;
    return new BatchPrefetcher(new Worker(code, { eval: true, workerData: input }), end);
  }

  /** The tensors of step `step`; asks for step + 1 too when it is below the end. */
  async take(step: number): Promise<Batch> {
    const arrays = this.requested.get(step) ?? this.request(step);
    this.requested.delete(step);
    if (step + 1 < this.end && !this.requested.has(step + 1)) this.requested.set(step + 1, this.request(step + 1));
    return batchTensors(await arrays);
  }

  close(): void {
    this.worker.removeAllListeners('exit');
    void this.worker.terminate();
  }

  private request(step: number): Promise<BatchArrays> {
    if (this.failure) return Promise.reject(this.failure);
    const arrays = new Promise<BatchArrays>((resolve, reject) => this.waiting.set(step, { resolve, reject }));
    arrays.catch(() => {}); // a prefetched step's failure is reported when that step is taken
    this.worker.postMessage(step);
    return arrays;
  }
}

/** The worker's side: load the data, then answer each step with its arrays, in the order asked. */
function serveBatches(input: WorkerInput): void {
  const port = parentPort;
  if (!port) return;
  const data: Promise<DataConfig> = loadTrainingData(input.mix).then((loaded) => ({ ...input.config, ...loaded }));
  data.catch(() => {}); // a loading failure is each step's reply, below
  let queue = Promise.resolve();
  port.on('message', (step: number) => {
    queue = queue.then(async () => {
      try {
        const c = await data;
        await prepareBatch(step, c);
        const arrays = batchArrays(step, c);
        port.postMessage(
          { step, arrays },
          Object.values(arrays).map((a) => a.data.buffer),
        );
      } catch (e) {
        port.postMessage({ step, error: (e as Error).message });
      }
    });
  });
}

if (!isMainThread && (workerData as WorkerInput | undefined)?.kind === 'batch-prefetch') {
  serveBatches(workerData as WorkerInput);
}
