// The named experiments `npm run reproduce` runs, as spec factories (preset, inpainter) -> ExperimentSpec.
//
// Test set: procedural triplets makeTriplet(TEST_SEED, i, split 'test'), items 0..count-1. The test split
// cycles through the four mask-ratio buckets, so every bucket gets count / 4 images. TEST_SEED differs from
// every training data seed (the presets train on dataSeed 1).
//   tiny   8 images at 64x64 (2 a bucket): CI, seconds. 64 px because the paper protocol's SSIM window is 51 px.
//   cpu    400 images at 64x64 (100 a bucket): standard errors of a few tenths of a dB.
//   paper  5000 images at 256x256, the paper's test-set size and resolution.
//
// table1 (paper Table I): the ground-truth mask eroded (-) or dilated (+) by d in {-2, 0, 2, 4, 6, 8} px at
// 256x256, i.e. by d * R / 256 px at resolution R (signed-distance threshold, lib/eval/experiment.ts), PSNR and
// SSIM on the whole image under both protocols (paper: gray, uniform 51x51 SSIM window; common: RGB, 11x11
// Gaussian), per mask-ratio bucket.
//
// Inpainters: the classical fills by name, and LEARNED_INPAINTER ('edgeconnect'), the three pretrained inpainters
// loaded from checkpoints (lib/inpaint/edgeConnect.ts), given the test triplet's ground-truth labels as their
// segmentation cue (Table I's "inpainting network only" row).
import { ExperimentSpec, MetricSpec } from './experiment';
import { CLASSICAL_INPAINTERS, LEARNED_INPAINTER, Inpainter } from '../inpaint/inpainter';
import { CheckpointPaths, CheckpointRecord, InpainterPart, loadLearnedInpainters } from '../inpaint/learnedInpainters';
import { edgeConnectInpainter } from '../inpaint/edgeConnect';

export const TEST_SEED = 1001;
/** Validation split for choosing among checkpoints (lib/eval/checkpointSelection.ts): never the test set. */
export const VALIDATION_SEED = 2002;

export type EvalPresetName = 'tiny' | 'cpu' | 'paper';
export const EVAL_PRESETS: Record<EvalPresetName, { size: number; count: number }> = {
  tiny: { size: 64, count: 8 },
  cpu: { size: 64, count: 400 },
  paper: { size: 256, count: 5000 },
};

export const TABLE1_D = [-2, 0, 2, 4, 6, 8];

const PSNR_SSIM_BOTH_PROTOCOLS: MetricSpec[] = [
  { metric: 'psnr', protocol: 'paper' },
  { metric: 'ssim', protocol: 'paper' },
  { metric: 'psnr', protocol: 'common' },
  { metric: 'ssim', protocol: 'common' },
];

export function evalPreset(name: string): { size: number; count: number } {
  const p = EVAL_PRESETS[name as EvalPresetName];
  if (!p) throw new Error(`unknown preset '${name}' (expected ${Object.keys(EVAL_PRESETS).join(', ')})`);
  return p;
}

export type Checkpoints = Record<InpainterPart, CheckpointRecord>;

/** checkpoints: the learned inpainter's (InpainterChoice.checkpoints), recorded in the spec */
export function table1Spec(preset: string, inpainter: string, checkpoints?: Checkpoints): ExperimentSpec {
  const { size, count } = evalPreset(preset);
  return {
    name: `table1-${inpainter}-${preset}`,
    table: 'table1_mask_size',
    inpainter,
    checkpoints,
    testSet: { kind: 'procedural', seed: TEST_SEED, count, size },
    masks: TABLE1_D.map((d256) => ({ kind: 'gt' as const, d256 })),
    metrics: PSNR_SSIM_BOTH_PROTOCOLS,
  };
}

/** Checkpoint selection (not a paper table): exact masks, PSNR/SSIM paper protocol, half the test set's size, on
 *  the validation split. `tag` names the candidate (e.g. 'image-8500') so each gets its own results folder. */
export function validationSpec(preset: string, tag: string, checkpoints: Checkpoints): ExperimentSpec {
  const { size, count } = evalPreset(preset);
  return {
    name: `validation-${tag}-${preset}`,
    table: 'validation',
    inpainter: LEARNED_INPAINTER,
    checkpoints,
    testSet: { kind: 'procedural', seed: VALIDATION_SEED, count: Math.max(4, Math.floor(count / 2)), size },
    masks: [{ kind: 'gt', d256: 0 }],
    metrics: [{ metric: 'psnr', protocol: 'paper' }, { metric: 'ssim', protocol: 'paper' }],
  };
}

export const EXPERIMENTS: Record<string, (preset: string, inpainter: string, checkpoints?: Checkpoints) => ExperimentSpec> = {
  table1: table1Spec,
};

/** A classical inpainter by name. */
export function resolveInpainter(name: string): Inpainter {
  const classical = CLASSICAL_INPAINTERS[name as keyof typeof CLASSICAL_INPAINTERS];
  if (!classical) {
    throw new Error(`unknown inpainter '${name}': available are ${Object.keys(CLASSICAL_INPAINTERS).join(', ')}` +
      (name === LEARNED_INPAINTER ? ` ('${LEARNED_INPAINTER}' needs checkpoints: use loadInpainter)` : ` and '${LEARNED_INPAINTER}' (with checkpoints)`));
  }
  return classical;
}

export interface InpainterChoice {
  inpainter: Inpainter;
  /** the learned inpainter's checkpoints, for the spec */
  checkpoints?: Checkpoints;
  /** frees the learned inpainter's weights */
  dispose(): void;
}

/**
 * Any inpainter by name, for a test set of size x size images. 'edgeconnect' loads its checkpoints (needs an
 * initialised tfjs backend) and refuses ones trained at another resolution; classical fills ignore `checkpoints`.
 */
export function loadInpainter(name: string, o: { size: number; checkpoints?: CheckpointPaths }): InpainterChoice {
  if (name !== LEARNED_INPAINTER) return { inpainter: resolveInpainter(name), dispose: () => {} };
  if (!o.checkpoints) throw new Error(`inpainter '${LEARNED_INPAINTER}' needs checkpoints of the edge, seg and image stages`);
  const nets = loadLearnedInpainters(o.checkpoints);
  if (nets.size !== o.size) {
    nets.dispose();
    throw new Error(`checkpoint ${nets.checkpoints.edge.path} (and its edge/seg/image siblings) was trained at ` +
      `${nets.size}x${nets.size}, the test set is ${o.size}x${o.size}`);
  }
  return { inpainter: edgeConnectInpainter(nets), checkpoints: nets.checkpoints, dispose: nets.dispose };
}
