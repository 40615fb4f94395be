// Checkpoint averaging (Polyak averaging of snapshots): the mean of the weights of several checkpoints of one run.
// GAN training makes consecutive checkpoints differ by a few tenths of a dB on validation; averaging the last
// snapshots (kept with --keep-every) gives one set of weights at least as good as the typical snapshot, with much
// less of that noise (measured: lib/config/presets.ts). Only the model tensors are averaged ('model.*': generators,
// discriminators and their spectral-norm vectors); Adam state is dropped, so the result is for evaluation, export
// or --init, never for --resume. Its manifest records every source (path, step, SHA-256) under meta.averagedFrom,
// and the loss log of the last source's run is copied beside it, so export-weights can record the training.
// The output folder must be new, empty or an earlier average, never a source or a run (lib/train/checkpoint.ts
// checkOutputFolder): writing there would replace a resumable checkpoint and cut its log.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, saveCheckpoint, checkOutputFolder, MANIFEST } from './checkpoint';
import { copyLossLog } from './log';
import { repoRelative } from '../io/repoRoot';
import type { RunMeta, AveragedSource } from './loop';

/**
 * Averages the 'model.*' tensors of `sources` (checkpoints of one stage and architecture) into a checkpoint in `out`.
 */
export function averageCheckpoints(sources: string[], out: string): string {
  if (sources.length < 2) throw new Error(`averageCheckpoints: give at least two checkpoints, got ${sources.length}`);
  const cks = sources.map((s) => loadCheckpoint<RunMeta>(s));
  const clash = cks.find((c) => path.resolve(c.file) === path.resolve(out, MANIFEST));
  if (clash) throw new Error(`--out ${out} is one of the sources (${clash.file}): choose a new folder`);
  const first = cks[0];
  const last = cks.reduce((a, b) => (b.meta.step > a.meta.step ? b : a));
  const names = [...first.tensors.keys()].filter((k) => k.startsWith('model.'));
  for (const c of cks) {
    const same = (what: string, a: unknown, b: unknown) => {
      if (JSON.stringify(a) !== JSON.stringify(b))
        throw new Error(`averageCheckpoints: ${c.file} differs from ${first.file} in ${what}`);
    };
    same('stage', c.meta.stage, first.meta.stage);
    same('architecture', c.meta.architecture, first.meta.architecture);
    same(
      'model tensors',
      [...c.tensors.keys()].filter((k) => k.startsWith('model.')),
      names,
    );
  }
  checkOutputFolder(out, '--out', ['average']);
  const tensors = new Map<string, tf.Tensor>();
  for (const name of names) {
    const shape = first.tensors.get(name)!.shape;
    const sum = new Float64Array(first.tensors.get(name)!.values.length);
    for (const c of cks) {
      const t = c.tensors.get(name)!;
      if (JSON.stringify(t.shape) !== JSON.stringify(shape))
        throw new Error(`averageCheckpoints: '${name}' is [${t.shape}] in ${c.file}, [${shape}] in ${first.file}`);
      t.values.forEach((v, i) => (sum[i] += v));
    }
    tensors.set(
      name,
      tf.tensor(
        Float32Array.from(sum, (v) => v / cks.length),
        shape,
      ),
    );
  }
  const averagedFrom: AveragedSource[] = cks.map((c) => ({
    from: repoRelative(c.file),
    step: c.meta.step,
    sha256: c.sha256,
  }));
  const log = path.join(path.dirname(last.file), 'log.jsonl');
  if (fs.existsSync(log)) copyLossLog(log, path.join(out, 'log.jsonl'), last.meta.step);
  try {
    return saveCheckpoint<RunMeta>(out, last.meta.step, { ...last.meta, averagedFrom }, tensors);
  } finally {
    tf.dispose([...tensors.values()]);
  }
}
