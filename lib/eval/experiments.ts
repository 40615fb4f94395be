// The named experiments `npm run reproduce` runs, as spec factories (preset, inpainter) -> ExperimentSpec.
//
// Test sets (--test-set; lib/data/triplets.ts openTestSet), items 0..count-1, cycling through the four mask-ratio
// buckets, so every bucket gets count / 4 images; seed TEST_SEED, which differs from every training data seed (the
// presets train on dataSeed 1):
//   procedural  makeTriplet(TEST_SEED, i, split 'test'): the embedded generator
//   photo-test  people (procedural, and vtest.avi's test-range pedestrians) pasted onto the photo library's test split
//   vtest       vtest.avi's test-range pedestrians in their own frames, the median plate as the truth in the hole
//   coco:ROOT   for users with COCO: the paper's copy-paste triplets from ROOT (split val2017; coco:ROOT#SPLIT)
// The real sets carry a version (REAL_TEST_SET_VERSION), part of the spec, so results of another construction are
// never mixed in.
// Sizes and counts are the presets' `evaluation` (lib/config/presets.ts): tiny 8 images at 64x64 (CI, seconds; 64 px
// because the paper protocol's SSIM window is 51 px), cpu 400 at 64x64, paper 5000 at 256x256.
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
import { PRESETS, PresetName } from '../config/presets';
import type { TestSetKind, TestSetSpec } from '../data/triplets';

export const TEST_SEED = 1001;
/** Validation split for choosing among checkpoints (lib/eval/checkpointSelection.ts): never the test set. */
export const VALIDATION_SEED = 2002;

export type EvalPresetName = PresetName;
/** Test-set size and count per preset: the presets' `evaluation` (lib/config/presets.ts). */
export const EVAL_PRESETS: Record<EvalPresetName, { size: number; count: number }> = {
  tiny: PRESETS.tiny.evaluation,
  cpu: PRESETS.cpu.evaluation,
  paper: PRESETS.paper.evaluation,
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

/** The test sets `--test-set` names: the procedural one (Table I so far), and the two real ones (issue 14). */
export const TEST_SETS = ['procedural', 'photo-test', 'vtest'] as const;
export type TestSetName = (typeof TEST_SETS)[number];
/** Validation sets for checkpoint selection: procedural scenes, or people on the photo library's validation split. */
export const VALIDATION_SETS = ['procedural', 'photos'] as const;
export type ValidationSetName = (typeof VALIDATION_SETS)[number];
/** The real sets' construction version (lib/data/triplets.ts openTestSet, lib/data/vtest.ts vtestTriplet). */
export const REAL_TEST_SET_VERSION = 1;

/** The test set of a preset: seed TEST_SEED, the preset's size and count (100 a bucket at cpu). */
export function testSetSpec(preset: string, testSet: string = 'procedural'): TestSetSpec {
  const { size, count } = evalPreset(preset);
  if (testSet.startsWith('coco:')) { // the user's COCO copy: coco:ROOT[#SPLIT], split val2017 by default
    const [root, split] = testSet.slice(5).split('#');
    if (!root) throw new Error(`--test-set coco:ROOT needs the folder of a COCO copy, got '${testSet}'`);
    return { kind: 'coco', seed: TEST_SEED, count, size, version: REAL_TEST_SET_VERSION, coco: { root, split: split || 'val2017' } };
  }
  if (!(TEST_SETS as readonly string[]).includes(testSet)) throw new Error(`unknown test set '${testSet}' (expected ${TEST_SETS.join(', ')})`);
  if (testSet === 'procedural') return { kind: 'procedural', seed: TEST_SEED, count, size };
  return { kind: testSet as TestSetKind, seed: TEST_SEED, count, size, version: REAL_TEST_SET_VERSION };
}

/** Result folder names: the procedural set's keep their old names (results/table1-<inpainter>-<preset>). */
function withTestSet(name: string, testSet: string): string {
  return testSet === 'procedural' ? name : `${name}-${testSet.startsWith('coco:') ? 'coco' : testSet}`;
}

/** checkpoints: the learned inpainter's (InpainterChoice.checkpoints), recorded in the spec */
export function table1Spec(preset: string, inpainter: string, checkpoints?: Checkpoints, testSet = 'procedural'): ExperimentSpec {
  return {
    name: withTestSet(`table1-${inpainter}-${preset}`, testSet),
    table: 'table1_mask_size',
    inpainter,
    checkpoints,
    testSet: testSetSpec(preset, testSet),
    masks: TABLE1_D.map((d256) => ({ kind: 'gt' as const, d256 })),
    metrics: PSNR_SSIM_BOTH_PROTOCOLS,
  };
}

/** Checkpoint selection (not a paper table): exact masks, PSNR/SSIM paper protocol, half the test set's size, on
 *  a validation set (seed VALIDATION_SEED; 'photos': people on the library's validation split, never its test split).
 *  `tag` names the candidate (e.g. 'image-8500') so each gets its own results folder. */
export function validationSpec(preset: string, tag: string, checkpoints: Checkpoints, set: string = 'procedural'): ExperimentSpec {
  const { size, count } = evalPreset(preset);
  if (!(VALIDATION_SETS as readonly string[]).includes(set)) throw new Error(`unknown validation set '${set}' (expected ${VALIDATION_SETS.join(', ')})`);
  const n = Math.max(4, Math.floor(count / 2));
  return {
    name: withTestSet(`validation-${tag}-${preset}`, set),
    table: 'validation',
    inpainter: LEARNED_INPAINTER,
    checkpoints,
    testSet: set === 'procedural' ? { kind: 'procedural', seed: VALIDATION_SEED, count: n, size }
      : { kind: 'photo-validation', seed: VALIDATION_SEED, count: n, size, version: REAL_TEST_SET_VERSION },
    masks: [{ kind: 'gt', d256: 0 }],
    metrics: [{ metric: 'psnr', protocol: 'paper' }, { metric: 'ssim', protocol: 'paper' }],
  };
}

export const EXPERIMENTS: Record<string, (preset: string, inpainter: string, checkpoints?: Checkpoints, testSet?: string) => ExperimentSpec> = {
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
