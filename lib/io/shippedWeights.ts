// Shipped weights: the generator of one pretraining stage (edge, segInpainter or image), taken from a run's latest checkpoint
// (lib/train/checkpoint.ts) without the discriminator and Adam state, stored as IEEE float16 (./float16.ts): about a
// ninth of the checkpoint (cpu preset: 0.75 MB of 6.7 MB). One folder per stage, checkpoints/<preset>/<stage>/:
//   weights.json                  manifest: stage, preset, architecture, Canny sigma, the source checkpoint (path,
//                                 step, SHA-256), the training record from the run's log.jsonl, the export command,
//                                 SHA-256 of the tensor file, per-tensor name / shape / byte offset
//   generator-<sha256[:12]>.bin   float16 little-endian tensors, concatenated, named by content
// Written like a checkpoint: the tensor file first, the manifest last (both atomically), then stale tensor files
// are deleted, so the folder always holds a complete, consistent pair. An export replaces only an earlier export
// of the same stage: a folder holding another stage's weights, a run, results or other files is refused. Tensor
// names are the checkpoint's ('model.edge.enc.0.w', ...), so both formats load through the same assignment
// (./learnedInpainters.ts).
// A joint run (stage 'joint', Sec. III-C) exports the same way into one folder holding its four networks (the
// segmenter 'model.seg.*' and the three inpainters; no discriminators) and the run's settings, which
// lib/pipeline/jointRemoval.ts loadJointRemovalNetwork needs to rebuild them (default folder
// checkpoints/<preset>/joint).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  loadCheckpoint,
  readVerifiedTensorFile,
  readJsonManifest,
  validateTensorTable,
  checkOutputFolder,
  type TensorEntry,
} from '../train/checkpoint';
import { readLossLog } from '../train/log';
import type { RunMeta, InitRecord, AveragedSource } from '../train/loop';
import { type Architecture, recordedStageName, withRecordedStageNames } from '../config/presets';
import { writeFileAtomic, writeJsonAtomic } from './atomicWrite';
import { repoPath, repoRelative, repoRoot } from './repoRoot';
import { encodeFloat16, decodeFloat16 } from './float16';

export const SHIPPED_FORMAT = 'inpainting-mask-optimization/generator-weights';
export const SHIPPED_MANIFEST = 'weights.json';

export type GeneratorStage = 'edge' | 'segInpainter' | 'image';
/** Checkpoint-name prefix of each stage's generator (the names lib/train/stages.ts gives them). */
export const GENERATOR_PREFIX: Record<GeneratorStage, string> = {
  edge: 'model.edge.',
  segInpainter: 'model.segInpaint.',
  image: 'model.image.',
};

/** The stages an export holds: one generator, or a joint run's four networks (JOINT_PREFIXES). */
export type ExportedStage = GeneratorStage | 'joint';
export const JOINT_PREFIXES = [
  'model.seg.',
  GENERATOR_PREFIX.edge,
  GENERATOR_PREFIX.segInpainter,
  GENERATOR_PREFIX.image,
];

/** Final losses are the mean of this many last logged steps (single steps are noisy: batch 4, GAN losses). */
export const FINAL_LOSS_STEPS = 100;

export interface TrainingRecord {
  /** steps completed (the checkpoint's step) */
  steps: number;
  /** sum of the logged per-step wall times up to that step (startup and checkpoint writing excluded) */
  wallSeconds: number;
  /** mean of each logged loss over steps lossSteps[0]..lossSteps[1] */
  finalLosses: Record<string, number>;
  lossSteps: [number, number];
}

export interface ShippedManifest {
  format: typeof SHIPPED_FORMAT;
  version: 1;
  stage: ExportedStage;
  preset: string;
  architecture: Architecture;
  cannySigma: number;
  dtype: 'float16';
  /** init: the weights the run started from (a chain of fine-tunings back to a run from scratch; [] for none);
   *  averagedFrom: the checkpoints whose mean these weights are (lib/train/averageCheckpoints.ts), if any */
  source: { checkpoint: string; step: number; sha256: string; init: InitRecord[]; averagedFrom?: AveragedSource[] };
  training: TrainingRecord;
  /** a joint export: the run's settings (segmenter kind, model seed, alpha, MEL, loss weights) */
  settings?: RunMeta['settings'];
  /** how this folder was made */
  command: string;
  bin: string;
  byteLength: number;
  sha256: string;
  tensors: TensorEntry[];
}

export interface ShippedWeights {
  file: string;
  manifest: ShippedManifest;
  tensors: Map<string, { shape: number[]; values: Float32Array }>;
}

/** Training steps behind the weights: the source run's, plus those of the runs it was fine-tuned from (each
 *  from its recorded step; manifests written before the chain was recorded count their own run only). Only this
 *  stage's records count: an image run on inpainted cues also records the frozen edge and seg checkpoints. */
export function stepsIncludingInit(m: Pick<ShippedManifest, 'source' | 'stage'>): number {
  const chain = (records: InitRecord[] = []): number =>
    records.filter((r) => r.part === m.stage).reduce((s, r) => s + r.step + chain(r.init), 0);
  return m.source.step + chain(m.source.init);
}

const sha256 = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');
const LARGEST_HALF = 65504;
const SMALLEST_NORMAL_HALF = 2 ** -14;

/** The training record of the steps up to `step`, from a run's log.jsonl (which may run ahead of the checkpoint). */
export function trainingRecord(logFile: string, step: number): TrainingRecord {
  if (!fs.existsSync(logFile)) throw new Error(`export: the run's loss log ${logFile} is missing`);
  const records = readLossLog(logFile).filter((r) => r.step <= step);
  if (records.length !== step || records.some((r, i) => r.step !== i + 1)) {
    throw new Error(
      `export: the loss log ${logFile} holds ${records.length} of the checkpoint's ${step} steps (steps 1-${step} ` +
        `expected): ` +
        'the training record would be wrong; restore the log',
    );
  }
  const last = records.slice(-FINAL_LOSS_STEPS);
  const finalLosses: Record<string, number> = {};
  for (const key of Object.keys(last[last.length - 1].losses)) {
    finalLosses[key] = last.reduce((s, r) => s + r.losses[key], 0) / last.length;
  }
  return {
    steps: step,
    wallSeconds: records.reduce((s, r) => s + r.seconds, 0),
    finalLosses,
    lossSteps: [last[0].step, step],
  };
}

export interface ExportResult {
  file: string;
  manifest: ShippedManifest;
  rounding: { maxRelativeError: number; belowNormal: number; maxAbsErrorBelowNormal: number };
}

/**
 * Exports the generator of the checkpoint in `run` (a run directory or its ckpt.json; only read) as float16 into
 * `out` (default checkpoints/<preset>/<stage> at the repository root); `command` is recorded. Returns the manifest
 * path and the rounding: the largest relative error of weights in the normal float16 range (|x| >= 2^-14; at most
 * 2^-11), and how many weights lie below it with their largest absolute error (at most 2^-25).
 */
export function exportGeneratorWeights(run: string, opts: { out?: string; command: string }): ExportResult {
  // A run still training may replace its checkpoint meanwhile: loadCheckpoint reads one manifest and verifies the
  // tensor file it names against that manifest's SHA-256, so what it returns is one consistent checkpoint.
  const ckpt = loadCheckpoint<RunMeta>(run);
  const m = ckpt.meta;
  const stage = m?.stage as ExportedStage;
  if (!(stage in GENERATOR_PREFIX) && stage !== 'joint') {
    throw new Error(
      `export: ${ckpt.file} is a '${m?.stage}' checkpoint; only the inpainter stages ` +
        `(${Object.keys(GENERATOR_PREFIX).join(', ')}) and joint runs are exported`,
    );
  }
  const outDir = opts.out ?? repoPath('checkpoints', m.preset, stage);
  const earlier = fs.existsSync(path.join(outDir, SHIPPED_MANIFEST)) ? readShippedManifest(outDir).manifest : null;
  if (earlier && earlier.stage !== stage) {
    throw new Error(
      `--out ${outDir} holds exported ${earlier.stage} weights; a ${stage} export does not replace them: choose ` +
        `another folder`,
    );
  }
  const prefixes = stage === 'joint' ? JOINT_PREFIXES : [GENERATOR_PREFIX[stage]];
  const names = [...ckpt.tensors.keys()].filter((n) => prefixes.some((p) => n.startsWith(p)));
  for (const p of prefixes)
    if (!names.some((n) => n.startsWith(p))) throw new Error(`export: ${ckpt.file} has no tensor named ${p}*`);
  const entries: TensorEntry[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  let maxRelativeError = 0;
  let belowNormal = 0;
  let maxAbsErrorBelowNormal = 0;
  for (const name of names) {
    const { shape, values } = ckpt.tensors.get(name)!;
    for (let i = 0; i < values.length; i++) {
      if (!(Math.abs(values[i]) <= LARGEST_HALF))
        throw new Error(`export: ${ckpt.file}: '${name}'[${i}] = ${values[i]} does not fit float16 (|x| <= 65504)`);
    }
    const bytes = encodeFloat16(values);
    const back = decodeFloat16(bytes);
    for (let i = 0; i < values.length; i++) {
      const err = Math.abs(back[i] - values[i]);
      if (Math.abs(values[i]) >= SMALLEST_NORMAL_HALF)
        maxRelativeError = Math.max(maxRelativeError, err / Math.abs(values[i]));
      else {
        belowNormal++;
        maxAbsErrorBelowNormal = Math.max(maxAbsErrorBelowNormal, err);
      }
    }
    entries.push({ name, shape, offset });
    parts.push(bytes);
    offset += bytes.length;
  }
  const all = new Uint8Array(offset);
  parts.forEach((b, k) => all.set(b, entries[k].offset));
  const digest = sha256(all);
  checkOutputFolder(outDir, '--out', ['weights']);
  const manifest: ShippedManifest = {
    format: SHIPPED_FORMAT,
    version: 1,
    stage,
    preset: m.preset,
    architecture: m.architecture,
    cannySigma: m.settings.cannySigma,
    dtype: 'float16',
    source: {
      checkpoint: repoRelative(ckpt.file),
      step: m.step,
      sha256: ckpt.sha256,
      init: m.init,
      ...(m.averagedFrom ? { averagedFrom: m.averagedFrom } : {}),
    },
    training: trainingRecord(path.join(path.dirname(ckpt.file), 'log.jsonl'), m.step),
    ...(stage === 'joint' ? { settings: m.settings } : {}),
    command: opts.command,
    bin: `generator-${digest.slice(0, 12)}.bin`,
    byteLength: all.length,
    sha256: digest,
    tensors: entries,
  };
  writeFileAtomic(path.join(outDir, manifest.bin), all);
  const file = path.join(outDir, SHIPPED_MANIFEST);
  writeJsonAtomic(file, manifest);
  for (const f of fs.readdirSync(outDir))
    if (/^generator-[0-9a-f]+\.bin$/.test(f) && f !== manifest.bin) fs.rmSync(path.join(outDir, f), { force: true });
  return { file, manifest, rounding: { maxRelativeError, belowNormal, maxAbsErrorBelowNormal } };
}

/** The manifest of exported weights (their folder or weights.json), format-checked; the tensor file is not read. */
export function readShippedManifest(p: string): { file: string; manifest: ShippedManifest } {
  const file = fs.existsSync(p) && fs.statSync(p).isDirectory() ? path.join(p, SHIPPED_MANIFEST) : p;
  if (!fs.existsSync(file)) throw new Error(`weights ${file}: not found`);
  const m = readJsonManifest(file, 'weights') as ShippedManifest;
  if (m?.format !== SHIPPED_FORMAT || m.version !== 1 || m.dtype !== 'float16') {
    throw new Error(
      `weights ${file}: not exported generator weights (format ${String(m?.format)}, version ${String(m?.version)}, ` +
        `dtype ${String(m?.dtype)})`,
    );
  }
  const named = { ...m, stage: recordedStageName(m.stage) as ExportedStage, source: withRecordedStageNames(m.source) };
  return { file, manifest: named };
}

/** Reads and verifies exported weights (their folder or weights.json); any damage is an error naming the file. */
export function loadShippedWeights(p: string): ShippedWeights {
  const { file, manifest: m } = readShippedManifest(p);
  const entries = validateTensorTable(file, m, 2);
  const bytes = readVerifiedTensorFile(file, m, 'weights');
  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const e of entries) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    tensors.set(e.name, { shape: e.shape, values: decodeFloat16(bytes.subarray(e.offset, e.offset + 2 * n)) });
  }
  return { file, manifest: m, tensors };
}

/** The three stage folders of an export: <dir>/edge, <dir>/segInpainter, <dir>/image. */
export function shippedWeightsPaths(dir: string): Record<GeneratorStage, string> {
  return {
    edge: path.join(dir, 'edge'),
    segInpainter: path.join(dir, 'segInpainter'),
    image: path.join(dir, 'image'),
  };
}

/** The paper's inpainting network among the shipped weights: <dir>/edge, <dir>/segInpainter and the EdgeConnect
 *  image inpainter <dir>/image-edgeconnect, which the joint runs of Tables IV and V start from and Table V's
 *  segmenter-mask rows fill with (<dir>/image is the shipped Telea refiner, lib/models/inpainters.ts). */
export function paperDesignWeightsPaths(dir: string): Record<GeneratorStage, string> {
  return { ...shippedWeightsPaths(dir), image: path.join(dir, 'image-edgeconnect') };
}

/**
 * Where the shipped weights of a preset live: checkpoints/<preset> at the repository root, or WEIGHTS_DIR when set
 * (a relative WEIGHTS_DIR is taken from the repository root, whatever the working directory: notebooks run in
 * notebooks/).
 */
export function shippedWeightsDir(preset: string): string {
  const dir = process.env.WEIGHTS_DIR;
  return dir ? path.resolve(repoRoot(), dir) : repoPath('checkpoints', preset);
}
