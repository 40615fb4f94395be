// A training run of one stage: build the networks, start fresh / from --init weights / from the run's own
// checkpoint (--resume), then step, log every loss, show progress and checkpoint every K steps and at the end.
// A non-finite loss stops the run before anything is written for that step, so the last checkpoint stays the last
// good one. Determinism: the batches are a function of the step (lib/train/batches.ts), and a checkpoint holds
// every weight, spectral-norm vector, Adam moment and Adam step, so a resumed run repeats an uninterrupted one's
// losses exactly on the same backend and thread count. The checkpoint records the backend (name, native kernels
// on/off) and a resume on another one is refused; checkpoints written before the record was kept were all made on
// wasm without native kernels. A resume also needs the run's loss log up to the checkpoint's step (the training
// record of exported weights comes from it).
// α and MEL on/off have one source each, the loss weights: --alpha A is weights.alpha = A, --no-mel is
// weights.lambdaX = 0; settings.alpha and settings.mel (joint stage) are read from them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  type Preset,
  type StageName,
  type Architecture,
  type ImageLossTarget,
  type ImageCues,
  type DataMix,
  type ImageInpainterKind,
  DATA_MIXES,
  recordedArchitecture,
  withImageInpainter,
} from '../config/presets';
import { repoRelative } from '../io/repoRoot';
import type { LossWeights } from '../losses/weights';
import type { L1Normalisation } from '../losses/reconstruction';
import { Adam } from './adam';
import { type MaskKind, disposeBatch } from './batches';
import { BatchPrefetcher } from './batchPrefetch';
import { buildStage, type StageModel, type SegmenterKind, DEFAULT_SEGMENTER } from './stages';
import { trainStep, type Optimizers } from './trainStep';
import {
  saveCheckpoint,
  loadCheckpoint,
  assignTensors,
  hasCheckpoint,
  type LoadedCheckpoint,
  checkOutputFolder,
  removeTemporaryFiles,
} from './checkpoint';
import { appendLossRecord, copyLossLog, truncateLossLog, readLossLog, type LossRecord } from './log';
import { Progress } from './progress';
import { lockRunDir } from './runLock';
import { type GeneratorStage, SHIPPED_MANIFEST, loadShippedWeights } from '../io/shippedWeights';

export type PartName = 'edge' | 'segInpainter' | 'image' | 'segmenter';

export interface RunOptions {
  stage: StageName;
  preset: Preset;
  /** run directory: ckpt.json, ckpt-*.bin, log.jsonl */
  out: string;
  /** total steps of the run (default: the preset's for the stage) */
  steps?: number;
  masks?: MaskKind;
  /** joint stage: false = without the mask expansion loss (weights.lambdaX = 0); alpha: weights.alpha (default the
   *  preset's, the paper's 0.03). Each may be given here or in `weights`, not both. */
  mel?: boolean;
  alpha?: number;
  /** segmenter and joint stages: the pretrained person segmenter or ours from scratch (default DEFAULT_SEGMENTER) */
  segmenter?: SegmenterKind;
  /**
   * the backend the run computes on (recorded; a resume must use the same); default: tfjs's current, no native kernels
   */
  backend?: BackendRecord;
  /** training pairs (default: the preset's) */
  pairs?: number;
  /** seed S: model initialisation modelSeed = S, data dataSeed = the preset's + S (presets have modelSeed 0; default 0);
   *  the repeats of an experiment (Table II's two seeds) differ in both */
  seed?: number;
  /** training data: photo backgrounds and real people, or procedural only (default: the preset's) */
  data?: DataMix;
  /** generator-side learning rate (default: the preset's for the stage; discriminators get the preset's ratio) */
  lr?: number;
  checkpointEvery?: number;
  /** also keep the checkpoint of every K-th step in <out>/snapshots/step-<N>/ (for averaging; default none) */
  keepEvery?: number;
  /** continue the run in `out` from its checkpoint */
  resume?: boolean;
  /** start from the weights of a checkpoint of the same stage (fine-tuning: Table III); optimizer starts fresh */
  init?: string;
  /** joint stage: the pretrained parts (checkpoints of the edge, segInpainter, image and segmenter stages); image stage with
   *  inpainted cues: the edge and seg checkpoints that provide them */
  initParts?: Partial<Record<PartName, string>>;
  /** image stage: ground-truth (default) or inpainted cues */
  cues?: ImageCues;
  /** overrides of some of the preset's loss weights (recorded in the run's settings, like every weight) */
  weights?: Partial<LossWeights>;
  /** overrides of the preset's imageLoss (image stage) and l1Per (image and joint stages) */
  imageLoss?: ImageLossTarget;
  l1Per?: L1Normalisation;
  /** image and joint stages: the image inpainter's design, overriding the preset's architecture (recorded there) */
  imageInpainter?: ImageInpainterKind;
  /** progress bar on stderr (default true) */
  progress?: boolean;
  /** called after each step's log line (tests use it to watch tensors or to simulate a kill) */
  onStep?: (step: number, losses: Record<string, number>) => void;
}

/** What must be equal for a checkpoint to be resumed (the step count may grow). */
export interface TrainingSettings {
  masks: MaskKind | null;
  mel: boolean | null;
  alpha: number | null;
  pairs: number;
  /** the data mix (lib/config/presets.ts DataMix) */
  data: DataMix;
  batch: number;
  lr: number;
  discriminatorLr: number;
  dataSeed: number;
  modelSeed: number;
  cannySigma: number;
  /** the loss weights: the preset's, with --weights overrides */
  weights: LossWeights;
  /** image stage: what its losses see (the preset's imageLoss) */
  imageLoss: ImageLossTarget | null;
  /** image and joint stages: N_M of L_IR per batch or per image (the preset's l1Per) */
  l1Per: L1Normalisation | null;
  /** image stage: the cues it trains on */
  imageCues: ImageCues | null;
  /** segmenter and joint stages: which segmenter (runs from before it was recorded: 'scratch') */
  segmenter: SegmenterKind | null;
}

/** Where a run's starting weights came from (--init, --init-<part>): the manifest, its step and SHA-256, and that
 *  checkpoint's own starting weights, so a chain of fine-tunings is recorded back to its first run from scratch. */
export interface InitRecord {
  part: StageName | PartName;
  from: string;
  step: number;
  sha256: string;
  init: InitRecord[];
}

/** The backend a checkpoint was computed on. */
export interface BackendRecord {
  name: string;
  native: boolean;
}

/** What checkpoints written before the backend was recorded were made on. */
export const UNRECORDED_BACKEND: BackendRecord = { name: 'wasm', native: false };

export interface RunMeta {
  stage: StageName;
  preset: string;
  architecture: Architecture;
  settings: TrainingSettings;
  /** steps completed */
  step: number;
  /** Adam step count of each optimizer: 'G', then the critics' names */
  optimizerSteps: Record<string, number>;
  /** data order: sample k of the run is item perm(dataSeed, epoch)[k mod pairs]; the next sample is step * batch */
  data: { dataSeed: number; pairs: number; nextSample: number };
  losses: Record<string, number> | null;
  /** the weights the run started from (empty for a run from scratch) */
  init: InitRecord[];
  /** set on a checkpoint made by averaging others (lib/train/averageCheckpoints.ts): its sources */
  averagedFrom?: AveragedSource[];
  /** absent in checkpoints written before it was recorded: UNRECORDED_BACKEND */
  backend?: BackendRecord;
}

export interface AveragedSource {
  from: string;
  step: number;
  sha256: string;
}

export interface RunResult {
  /** records of the steps run by this call */
  records: LossRecord[];
  checkpoint: string;
  step: number;
}

const PART_PREFIXES: Record<PartName, string[]> = {
  edge: ['edge.', 'D_E.'],
  segInpainter: ['segInpaint.', 'D_S.'],
  image: ['image.', 'D_I.'],
  segmenter: ['seg.'],
};

/** The preset with some loss weights replaced; an unknown name or a negative or non-finite value is an error. */
export function withWeights(preset: Preset, overrides: Partial<LossWeights> | undefined): Preset {
  if (!overrides) return preset;
  for (const [k, v] of Object.entries(overrides)) {
    if (!(k in preset.weights))
      throw new Error(`--weights: unknown loss weight '${k}' (known: ${Object.keys(preset.weights).join(', ')})`);
    if (!(Number.isFinite(v) && (v as number) >= 0))
      throw new Error(`--weights: ${k} must be a finite number >= 0, got ${v}`);
  }
  return { ...preset, weights: { ...preset.weights, ...overrides } };
}

/** --alpha and --no-mel as loss weights, refusing a second source for either; weights of the joint stage only. */
function jointWeightOverrides(o: RunOptions): Partial<LossWeights> | undefined {
  const w = { ...o.weights };
  if (o.stage !== 'joint') {
    const given = (['alpha', 'lambdaX'] as const).filter((k) => w[k] !== undefined);
    if (given.length)
      throw new Error(`--weights ${given.join(', ')}: the mask expansion loss applies to the joint stage only`);
    return o.weights;
  }
  if (o.alpha !== undefined) {
    if (w.alpha !== undefined) throw new Error('alpha is given twice (--alpha and --weights alpha=): give one');
    w.alpha = o.alpha;
  }
  if (o.mel === false) {
    if (w.lambdaX !== undefined)
      throw new Error('MEL is switched off twice (--no-mel and --weights lambdaX=): give one');
    w.lambdaX = 0;
  }
  return Object.keys(w).length ? w : undefined;
}

function settingsOf(o: RunOptions): TrainingSettings {
  const p = o.preset;
  const joint = o.stage === 'joint';
  const masks = o.masks ?? 'object';
  if (masks === 'random' && (o.stage === 'segmenter' || joint)) {
    throw new Error(`--masks random applies to the inpainter stages (edge, segInpainter, image), not to '${o.stage}'`);
  }
  if (!joint && (o.mel === false || o.alpha !== undefined))
    throw new Error(`--no-mel and --alpha apply to the joint stage only`);
  if ((o.cues ?? o.imageLoss) !== undefined && o.stage !== 'image')
    throw new Error(`--cues and --image-loss apply to the image stage only`);
  if (o.l1Per !== undefined && o.stage !== 'image' && !joint)
    throw new Error(`--l1-per applies to the image and joint stages only`);
  const usesSegmenter = o.stage === 'segmenter' || joint;
  if (o.segmenter !== undefined && !usesSegmenter)
    throw new Error(`--segmenter applies to the segmenter and joint stages only`);
  const segmenter = usesSegmenter ? (o.segmenter ?? DEFAULT_SEGMENTER[p.name]) : null;
  // fine-tuning the pretrained segmenter alone: the joint stage's rate
  // (the segmenter stage's is for training from scratch)
  const lr = o.lr ?? p.lr[o.stage === 'segmenter' && segmenter === 'pretrained' ? 'joint' : o.stage];
  return {
    masks: o.stage === 'segmenter' || joint ? null : masks,
    mel: joint ? p.weights.lambdaX > 0 : null,
    alpha: joint ? p.weights.alpha : null,
    pairs: o.pairs ?? p.pairs,
    data: o.data ?? p.data,
    batch: p.batch,
    lr,
    discriminatorLr: lr * p.discriminatorLrRatio,
    dataSeed: p.dataSeed,
    modelSeed: p.modelSeed,
    cannySigma: p.cannySigma,
    weights: p.weights,
    imageLoss: o.stage === 'image' ? (o.imageLoss ?? p.imageLoss) : null,
    l1Per: o.stage === 'image' || joint ? (o.l1Per ?? p.l1Per) : null,
    imageCues: o.stage === 'image' ? (o.cues ?? 'gt') : null,
    segmenter,
  };
}

/** Settings recorded only since some date, as the checkpoints written before them were made: procedural data;
 *  the image stage on ground-truth cues (the other stages have none); our segmenter from scratch. */
function segmenterBeforeRecorded(stage: StageName): SegmenterKind | null {
  return stage === 'segmenter' || stage === 'joint' ? 'scratch' : null;
}
const settingsBeforeRecorded = (stage: StageName): Partial<TrainingSettings> => ({
  data: DATA_MIXES.procedural,
  imageCues: stage === 'image' ? 'gt' : null,
  segmenter: segmenterBeforeRecorded(stage),
});

function describeDifference(what: string, a: unknown, b: unknown): string | null {
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  return ja === jb ? null : `${what} is ${ja} in the checkpoint, ${jb} in this run`;
}

/** Throws unless the checkpoint was written by this stage with this architecture (and, for resume, settings). */
function checkCompatible(
  ckpt: LoadedCheckpoint<RunMeta>,
  stage: StageName,
  preset: Preset,
  settings: TrainingSettings | null,
): void {
  const m = ckpt.meta;
  if (!m || typeof m !== 'object' || !m.architecture) throw new Error(`checkpoint ${ckpt.file}: no run metadata`);
  const recordedArch = recordedArchitecture(m.architecture) as unknown as Record<string, unknown>;
  const problems = [
    describeDifference('stage', m.stage, stage),
    ...Object.keys({ ...preset.architecture, ...recordedArch })
      // starting weights may come from another image inpainter design: startImageInpainter decides
      .filter((k) => settings || k !== 'imageInpainter')
      .map((k) =>
        describeDifference(
          `architecture.${k}`,
          recordedArch[k],
          (preset.architecture as unknown as Record<string, unknown>)[k],
        ),
      ),
  ];
  if (settings) {
    problems.push(describeDifference('preset', m.preset, preset.name));
    const recorded = { ...settingsBeforeRecorded(stage), ...m.settings } as unknown as Record<string, unknown>;
    for (const k of Object.keys({ ...settings, ...recorded })) {
      problems.push(
        describeDifference(`setting '${k}'`, recorded[k], (settings as unknown as Record<string, unknown>)[k]),
      );
    }
  }
  const found = problems.filter((x): x is string => x !== null);
  if (found.length) throw new Error(`checkpoint ${ckpt.file} does not match this run: ${found.join('; ')}`);
}

/** Throws unless the checkpoint was computed on `backend` (a checkpoint without the record: UNRECORDED_BACKEND). */
function checkSameBackend(ckpt: LoadedCheckpoint<RunMeta>, backend: BackendRecord): void {
  const made = ckpt.meta.backend ?? UNRECORDED_BACKEND;
  const say = (b: BackendRecord) => `${b.name} (native kernels ${b.native ? 'on' : 'off'})`;
  if (made.name !== backend.name || made.native !== backend.native) {
    const how = made.name !== backend.name ? `--backend ${made.name}` : `TFJS_NATIVE=${made.native ? 1 : 0}`;
    throw new Error(
      `${ckpt.file} was computed on ${say(made)}, this process runs ${say(backend)}: resume on the same backend ` +
        `(${how}) so the run repeats its numbers, ` +
        `or start a new run from these weights with --init ${ckpt.file} --out NEW`,
    );
  }
}

/** Throws unless the loss log holds every step 1..step (the run's training record; export-weights reads it). */
function checkLogReaches(logFile: string, step: number): void {
  const steps = readLossLog(logFile)
    .map((r) => r.step)
    .filter((s) => s <= step);
  if (steps.length !== step || steps.some((s, i) => s !== i + 1)) {
    throw new Error(
      `${logFile} ${fs.existsSync(logFile) ? `holds ${steps.length} of the ${step} steps` : 'is missing'} up to the ` +
        `checkpoint's step ${step}: restore it (the run's training record), ` +
        `or start a new run with --init ${path.dirname(logFile)} --out NEW`,
    );
  }
}

/** Writes <out>/snapshots/step-<N>/ (checkpoint and the loss log up to N) under a temporary name, then renames it. */
function keepSnapshot(out: string, step: number, logFile: string, save: (dir: string) => void): void {
  const dir = path.join(out, 'snapshots', `step-${String(step).padStart(6, '0')}`);
  if (fs.existsSync(dir)) return; // a resumed run redoing a kept step: same weights
  const tmp = `${dir}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    fs.mkdirSync(tmp, { recursive: true });
    copyLossLog(logFile, path.join(tmp, 'log.jsonl'), step);
    save(tmp);
    // the manifest names its binary relative to its folder, so the folder can be renamed
    fs.renameSync(tmp, dir);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`keeping the snapshot of step ${step} in ${dir} failed (${(e as Error).message})`);
  }
}

/** Deletes what killed or failed writes left in a run folder: '*.<pid>.tmp' files and 'snapshots/step-N.tmp'. */
function removeLeftovers(out: string): void {
  removeTemporaryFiles(out);
  const snapshots = path.join(out, 'snapshots');
  if (!fs.existsSync(snapshots)) return;
  for (const f of fs.readdirSync(snapshots))
    if (/\.tmp$/.test(f)) fs.rmSync(path.join(snapshots, f), { recursive: true, force: true });
}

/** Checkpoint names: 'model.<variable>', 'adam.<optimizer>.<m|v>.<variable>'. */
function checkpointTensors(model: StageModel, opt: Optimizers): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const [k, v] of model.variables) out.set(`model.${k}`, v);
  const adams: [string, Adam][] = [
    ['G', opt.generator],
    ...model.critics.map((c, i): [string, Adam] => [c.name, opt.critics[i]]),
  ];
  for (const [name, a] of adams) for (const [k, v] of a.state()) out.set(`adam.${name}.${k}`, v);
  return out;
}

function modelTensors(model: StageModel, prefixes?: string[]): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const [k, v] of model.variables)
    if (!prefixes || prefixes.some((p) => k.startsWith(p))) out.set(`model.${k}`, v);
  return out;
}

/** Whether --init-<part> names exported generator weights (a folder with weights.json, or that file). */
function isShippedExport(p: string): boolean {
  return path.basename(p) === SHIPPED_MANIFEST || fs.existsSync(path.join(p, SHIPPED_MANIFEST));
}

/** Exported generator weights (lib/io/shippedWeights.ts) as a part's starting point: the generator only (its
 *  discriminator starts fresh), recorded with the run the export was made from. */
function shippedAsInit(
  file: string,
  part: GeneratorStage,
  preset: Preset,
): { weights: LoadedCheckpoint<unknown>; record: InitRecord; architecture: Architecture } {
  const w = loadShippedWeights(file);
  const m = w.manifest;
  if (m.stage !== part) throw new Error(`${w.file}: these are the ${m.stage} inpainter's weights, not the ${part}'s`);
  // keys in the preset's order; the image inpainter's design may differ (startImageInpainter decides)
  const recorded = { ...preset.architecture, ...m.architecture, imageInpainter: preset.architecture.imageInpainter };
  if (JSON.stringify(recorded) !== JSON.stringify(preset.architecture)) {
    throw new Error(`${w.file}: architecture ${JSON.stringify(m.architecture)} is not the ${preset.name} preset's`);
  }
  return {
    weights: { file: w.file, meta: m, sha256: m.sha256, tensors: w.tensors },
    record: { part, from: repoRelative(w.file), step: m.source.step, sha256: m.sha256, init: m.source.init },
    architecture: m.architecture,
  };
}

/** After the image inpainter's starting weights are assigned: weights of an EdgeConnect image inpainter start a Telea
 *  refiner with its output layer at zero (ImageInpainter.resetOutputLayer), so the run starts at Telea's fill;
 *  a refiner's weights do not start an EdgeConnect inpainter (their output means a correction, not an image). */
function startImageInpainter(model: StageModel, from: ImageInpainterKind, to: ImageInpainterKind, file: string) {
  if (from === to) return;
  if (from !== 'edgeconnect' || to !== 'telea-refiner') {
    throw new Error(
      `${file} holds a '${from}' image inpainter; this run trains a '${to}' one: pass --image-inpainter ${from}`,
    );
  }
  for (const name of ['image.out.w', 'image.out.b']) {
    const v = model.variables.get(name);
    if (!v) throw new Error(`startImageInpainter: this run has no variable '${name}'`);
    tf.tidy(() => v.assign(tf.zerosLike(v)));
  }
}

/** The preset with the run's seed: modelSeed becomes S and dataSeed moves by as much (S = the preset's modelSeed,
 *  0 for every preset, is the preset itself). */
export function withSeed(preset: Preset, seed: number | undefined): Preset {
  if (seed === undefined) return preset;
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be an integer >= 0, got ${seed}`);
  return { ...preset, modelSeed: seed, dataSeed: preset.dataSeed + seed - preset.modelSeed };
}

export async function runTraining(options: RunOptions): Promise<RunResult> {
  if (options.imageInpainter !== undefined && options.stage !== 'image' && options.stage !== 'joint')
    throw new Error(`--image-inpainter applies to the image and joint stages only`);
  const preset0 = withImageInpainter(options.preset, options.imageInpainter);
  const o = { ...options, preset: withSeed(withWeights(preset0, jointWeightOverrides(options)), options.seed) };
  const { stage, preset } = o;
  const backend = o.backend ?? { name: tf.getBackend(), native: false };
  const settings = settingsOf(o);
  const total = o.steps ?? preset.steps[stage];
  const every = o.checkpointEvery ?? preset.checkpointEvery;
  if (o.keepEvery !== undefined && (!Number.isInteger(o.keepEvery) || o.keepEvery < 1))
    throw new Error(`--keep-every must be a positive integer, got ${o.keepEvery}`);
  for (const [k, v] of Object.entries({ steps: total, 'checkpoint-every': every, pairs: settings.pairs })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} must be a positive integer, got ${v}`);
  }
  if (o.resume && (o.init || o.initParts))
    throw new Error('--resume continues a run from its own checkpoint; do not combine it with --init');
  const cueParts: PartName[] = ['edge', 'segInpainter'];
  if (settings.imageCues === 'inpainted') {
    const given = Object.keys(o.initParts ?? {}) as PartName[];
    if (!o.resume && !cueParts.every((p) => given.includes(p)))
      throw new Error(
        'the image stage with inpainted cues needs the pretrained edge and seg inpainters: ' +
          '--init-edge CKPT --init-segInpainter CKPT',
      );
    const extra = given.filter((p) => !cueParts.includes(p));
    if (extra.length)
      throw new Error(
        `the image stage takes only the cue networks (--init-edge, --init-segInpainter), not --init-${extra.join(', --init-')}`,
      );
  } else if (o.initParts && stage !== 'joint')
    throw new Error(
      `pretrained parts (--init-edge, ...) are for the joint stage ` +
        `(or the image stage with --cues inpainted), not '${stage}'`,
    );
  const logFile = path.join(o.out, 'log.jsonl');
  if (!o.resume && hasCheckpoint(o.out)) {
    throw new Error(`${o.out} already holds a checkpoint: pass --resume to continue it, or choose another --out`);
  }
  if (o.resume && !hasCheckpoint(o.out))
    throw new Error(`--resume: ${o.out} holds no checkpoint (${path.join(o.out, 'ckpt.json')}) to continue`);
  const created = !fs.existsSync(o.out);

  const model = buildStage(stage, preset, {
    mel: settings.mel ?? true,
    alpha: settings.alpha ?? preset.weights.alpha,
    imageLoss: settings.imageLoss ?? preset.imageLoss,
    l1Per: settings.l1Per ?? preset.l1Per,
    imageCues: settings.imageCues ?? 'gt',
    segmenter: settings.segmenter ?? undefined,
  });
  const gb = stage === 'segmenter' ? preset.segmenterBetas : preset.ganBetas;
  const opt: Optimizers = {
    generator: new Adam(model.generatorTrainable, { lr: settings.lr, beta1: gb[0], beta2: gb[1] }),
    critics: model.critics.map(
      (c) =>
        new Adam(c.D.params.trainable, {
          lr: settings.discriminatorLr,
          beta1: preset.ganBetas[0],
          beta2: preset.ganBetas[1],
        }),
    ),
  };
  const optimizerNames = ['G', ...model.critics.map((c) => c.name)];
  const adams = [opt.generator, ...opt.critics];
  let unlock = () => {};
  let finished = false;
  let batches: BatchPrefetcher | undefined;
  try {
    if (!o.resume) checkOutputFolder(o.out, '--out', ['unfinished-run']);
    unlock = lockRunDir(o.out);
    removeLeftovers(o.out);
    let step = 0;
    let init: InitRecord[] = [];
    const initRecord = (part: InitRecord['part'], ckpt: LoadedCheckpoint<RunMeta>): InitRecord => ({
      part,
      from: repoRelative(ckpt.file),
      step: ckpt.meta.step,
      sha256: ckpt.sha256,
      init: ckpt.meta.init,
    });
    /** an inpainter's generator from exported weights (its discriminator starts fresh) */
    const startFromExport = (file: string, part: GeneratorStage) => {
      const shipped = shippedAsInit(file, part, preset);
      assignTensors(shipped.weights, modelTensors(model, [PART_PREFIXES[part][0]]), false);
      if (part === 'image') {
        const from = recordedArchitecture(shipped.architecture).imageInpainter;
        startImageInpainter(model, from, preset.architecture.imageInpainter, shipped.weights.file);
      }
      init.push(shipped.record);
    };
    if (o.resume) {
      const ckpt = loadCheckpoint<RunMeta>(o.out);
      if (ckpt.meta?.averagedFrom)
        throw new Error(
          `${ckpt.file} is an average of checkpoints (no optimizer state): ` +
            `it can be evaluated, exported or used with --init, not resumed`,
        );
      checkCompatible(ckpt, stage, preset, settings);
      checkSameBackend(ckpt, backend);
      checkLogReaches(logFile, ckpt.meta.step);
      assignTensors(ckpt, checkpointTensors(model, opt), true);
      optimizerNames.forEach((n, i) => (adams[i].step = ckpt.meta.optimizerSteps[n]));
      step = ckpt.meta.step;
      init = ckpt.meta.init;
      try {
        truncateLossLog(logFile, step);
      } catch (e) {
        removeTemporaryFiles(o.out);
        throw new Error(
          `rewriting ${logFile} up to the checkpoint's step ${step} failed (${(e as Error).message}); ` +
            `the checkpoint and the log are intact: free some space and repeat the command`,
        );
      }
    } else {
      fs.rmSync(logFile, { force: true });
      if (o.init && isShippedExport(o.init)) {
        // exported generator weights start an inpainter stage as they start a part with --init-<part>
        if (stage !== 'edge' && stage !== 'segInpainter' && stage !== 'image')
          throw new Error(`--init ${o.init}: exported weights start the edge, segInpainter and image stages only`);
        startFromExport(o.init, stage);
      } else if (o.init) {
        const ckpt = loadCheckpoint<RunMeta>(o.init);
        checkCompatible(ckpt, stage, preset, null);
        // the stage's own networks (an image stage with inpainted cues also holds the cue networks: --init-edge/-seg)
        assignTensors(
          ckpt,
          modelTensors(model, stage in PART_PREFIXES ? PART_PREFIXES[stage as PartName] : undefined),
          false,
        );
        if (stage === 'image' || stage === 'joint') {
          const from = recordedArchitecture(ckpt.meta.architecture).imageInpainter;
          startImageInpainter(model, from, preset.architecture.imageInpainter, ckpt.file);
        }
        init.push(initRecord(stage, ckpt));
      }
      for (const [part, file] of Object.entries(o.initParts ?? {}) as [PartName, string][]) {
        if (part !== 'segmenter' && isShippedExport(file)) {
          startFromExport(file, part);
          continue;
        }
        const ckpt = loadCheckpoint<RunMeta>(file);
        checkCompatible(ckpt, part, preset, null);
        const made = ckpt.meta.settings?.segmenter ?? segmenterBeforeRecorded(part);
        if (part === 'segmenter' && made !== settings.segmenter) {
          throw new Error(
            `--init-segmenter ${file} holds the ${made} segmenter, this run trains the ` +
              `${settings.segmenter} one: pass --segmenter ${made}, or another checkpoint`,
          );
        }
        assignTensors(ckpt, modelTensors(model, PART_PREFIXES[part]), false);
        if (part === 'image') {
          const from = recordedArchitecture(ckpt.meta.architecture).imageInpainter;
          startImageInpainter(model, from, preset.architecture.imageInpainter, ckpt.file);
        }
        init.push(initRecord(part, ckpt));
      }
    }
    if (step >= total)
      throw new Error(`${o.out}: the checkpoint is at step ${step}, nothing to do for --steps ${total}`);

    // made one step ahead on a worker thread, which also reads the data mix's photos or COCO index
    batches = BatchPrefetcher.start(
      {
        size: preset.architecture.size,
        batch: preset.batch,
        pairs: settings.pairs,
        dataSeed: preset.dataSeed,
        masks: settings.masks ?? 'object',
        cannySigma: preset.cannySigma,
      },
      settings.data,
      total,
    );
    const save = (s: number, losses: Record<string, number> | null, dir = o.out) =>
      saveCheckpoint<RunMeta>(
        dir,
        s,
        {
          stage,
          preset: preset.name,
          architecture: preset.architecture,
          settings,
          step: s,
          optimizerSteps: Object.fromEntries(optimizerNames.map((n, i) => [n, adams[i].step])),
          data: { dataSeed: preset.dataSeed, pairs: settings.pairs, nextSample: s * preset.batch },
          losses,
          init,
          backend,
        },
        checkpointTensors(model, opt),
      );
    let lastSaved = hasCheckpoint(o.out) && o.resume ? step : -1;
    const progress = o.progress === false ? null : new Progress(`${stage}/${preset.name}`, step, total);
    const records: LossRecord[] = [];
    for (let s = step; s < total; s++) {
      const t0 = process.hrtime.bigint();
      const batch = await batches.take(s);
      let losses: Record<string, number>;
      try {
        losses = trainStep(model, opt, batch);
      } finally {
        disposeBatch(batch);
      }
      const kept = () =>
        lastSaved >= 0
          ? `the last good checkpoint (step ${lastSaved}) is ${path.join(o.out, 'ckpt.json')}`
          : 'no checkpoint was written';
      const bad = Object.entries(losses).find(([, v]) => !Number.isFinite(v));
      if (bad) {
        progress?.break();
        throw new Error(`step ${s + 1}: loss '${bad[0]}' is ${bad[1]}; training stopped, ${kept()}`);
      }
      const record = { step: s + 1, seconds: Number(process.hrtime.bigint() - t0) / 1e9, losses };
      try {
        try {
          appendLossRecord(logFile, record);
        } catch (e) {
          throw new Error(`writing ${logFile} failed (${(e as Error).message})`);
        }
        records.push(record);
        progress?.update(s + 1, losses);
        if ((s + 1) % every === 0 || s + 1 === total) {
          save(s + 1, losses);
          lastSaved = s + 1;
        }
        if (o.keepEvery && (s + 1) % o.keepEvery === 0)
          keepSnapshot(o.out, s + 1, logFile, (dir) => save(s + 1, losses, dir));
      } catch (e) {
        progress?.break();
        const message = (e as Error).message;
        // saveCheckpoint names the good checkpoint itself
        throw new Error(
          `step ${s + 1}: ${message}` +
            `${message.startsWith('writing the checkpoint') ? '' : `; training stopped, ${kept()}`}`,
        );
      }
      o.onStep?.(s + 1, losses);
      // lets signal handlers (Ctrl-C in the CLI) run between steps
      await new Promise((resolve) => setImmediate(resolve));
    }
    finished = true;
    return { records, checkpoint: path.join(o.out, 'ckpt.json'), step: total };
  } finally {
    batches?.close();
    model.dispose();
    adams.forEach((a) => a.dispose());
    unlock();
    // a run refused or failed before writing anything leaves no folder behind
    if (
      !finished &&
      created &&
      fs.existsSync(o.out) &&
      fs.readdirSync(o.out).every((f) => f === 'log.jsonl' && !fs.statSync(path.join(o.out, f)).size)
    ) {
      fs.rmSync(o.out, { recursive: true, force: true });
    }
  }
}
