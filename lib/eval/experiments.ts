// What every table runs (`npm run reproduce`), as spec factories -> ExperimentSpec, and the TABLES registry: a table
// is its spec here plus its findings and report (lib/eval/table1.ts, table2.ts, table3.ts).
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
// table2, table3 (paper Tables II, III): one arm (a set of edge, segInpainter and image checkpoints) per experiment, exact
// masks, the same metrics; see table2Spec and table3Spec.
//
// table4, table5 (paper Tables IV, V): removal in the automatic setting (m_G selects the segment, the remover
// fills its own mask; 'selected' masks, lib/eval/experiment.ts), see table4Spec and table5Spec.
//
// Inpainters: the classical fills by name, and LEARNED_INPAINTER ('ours'), the three pretrained inpainters
// loaded from checkpoints (lib/pipeline/inpaintingNetwork.ts), given the test triplet's ground-truth labels as their
// segmentation cue (Table I's "inpainting network only" row).
import {
  type ExperimentSpec,
  LPIPS_LIKE_PROTOCOL,
  type RemovalSpec,
  type LoadedExperiment,
  type MaskSpec,
  type MetricSpec,
  finishedExperiments,
  loadResults,
  resultsDir,
} from './experiment';
import { CLASSICAL_INPAINTERS, LEARNED_INPAINTER, type Inpainter } from '../inpaint/inpainter';
import {
  type CheckpointPaths,
  type CheckpointRecord,
  INPAINTER_PARTS,
  type InpainterPart,
  loadLearnedInpainters,
} from '../pipeline/learnedInpainters';
import { edgeConnectInpainter } from '../pipeline/inpaintingNetwork';
import { PRESETS, type PresetName } from '../config/presets';
import type { TestSetKind, TestSetSpec } from '../data/triplets';
import { MASK_RATIO_BUCKETS } from '../data/buckets';
import type { PaperTableName } from './paperTables';
import * as fs from 'node:fs';
import * as path from 'node:path';

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
  if (testSet.startsWith('coco:')) {
    // the user's COCO copy: coco:ROOT[#SPLIT], split val2017 by default
    const [root, split] = testSet.slice(5).split('#');
    if (!root) throw new Error(`--test-set coco:ROOT needs the folder of a COCO copy, got '${testSet}'`);
    return {
      kind: 'coco',
      seed: TEST_SEED,
      count,
      size,
      version: REAL_TEST_SET_VERSION,
      coco: { root, split: split || 'val2017' },
    };
  }
  if (!(TEST_SETS as readonly string[]).includes(testSet))
    throw new Error(`unknown test set '${testSet}' (expected ${TEST_SETS.join(', ')})`);
  if (testSet === 'procedural') return { kind: 'procedural', seed: TEST_SEED, count, size };
  return { kind: testSet as TestSetKind, seed: TEST_SEED, count, size, version: REAL_TEST_SET_VERSION };
}

/** Result folder names: the procedural set's keep their old names (results/table1-<inpainter>-<preset>). */
function withTestSet(name: string, testSet: string): string {
  return testSet === 'procedural' ? name : `${name}-${testSet.startsWith('coco:') ? 'coco' : testSet}`;
}

/** checkpoints: the learned inpainter's (InpainterChoice.checkpoints), recorded in the spec */
export function table1Spec(
  preset: string,
  inpainter: string,
  checkpoints?: Checkpoints,
  testSet = 'procedural',
): ExperimentSpec {
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

/** Validation sets hold half the test set's count (at least 4). */
export const validationCount = (count: number): number => Math.max(4, Math.floor(count / 2));

/** Checkpoint selection (not a paper table): exact masks, PSNR/SSIM paper protocol, half the test set's size, on
 *  a validation set (seed VALIDATION_SEED; 'photos': people on the library's validation split, never its test split).
 *  `tag` names the candidate (e.g. 'image-8500') so each gets its own results folder. */
export function validationSpec(
  preset: string,
  tag: string,
  checkpoints: Checkpoints,
  set: string = 'procedural',
): ExperimentSpec {
  const { size, count } = evalPreset(preset);
  if (!(VALIDATION_SETS as readonly string[]).includes(set))
    throw new Error(`unknown validation set '${set}' (expected ${VALIDATION_SETS.join(', ')})`);
  const n = validationCount(count);
  return {
    name: withTestSet(`validation-${tag}-${preset}`, set),
    table: 'validation',
    inpainter: LEARNED_INPAINTER,
    checkpoints,
    testSet:
      set === 'procedural'
        ? { kind: 'procedural', seed: VALIDATION_SEED, count: n, size }
        : { kind: 'photo-validation', seed: VALIDATION_SEED, count: n, size, version: REAL_TEST_SET_VERSION },
    masks: [{ kind: 'gt', d256: 0 }],
    metrics: [
      { metric: 'psnr', protocol: 'paper' },
      { metric: 'ssim', protocol: 'paper' },
    ],
  };
}

/** The spec factory of a table whose experiments are arms (each a set of edge, segInpainter and image checkpoints): the
 *  learned inpainter as "inpainting network only" (ground-truth labels as the cue), on the table's masks, under
 *  both protocols. Tables II and III differ only in their name, paper table and masks. */
const armTableSpec =
  (table: string, paperTable: PaperTableName, masks: (testSet: string) => MaskSpec[]) =>
  (preset: string, arm: string, checkpoints: Checkpoints, testSet = 'photo-test'): ExperimentSpec => ({
    name: withTestSet(`${table}-${arm}-${preset}`, testSet),
    table: paperTable,
    inpainter: LEARNED_INPAINTER,
    arm,
    checkpoints,
    testSet: testSetSpec(preset, testSet),
    masks: masks(testSet),
    metrics: PSNR_SSIM_BOTH_PROTOCOLS,
  });

/** Table II (mask type, Sec. IV-B): an arm per training mask kind and seed, 'object-s0', 'random-s1', ...; exact
 *  masks m_G (Table I's d = 0), and on photo-test also random free-form holes over I_G ('random',
 *  lib/eval/experiment.ts), so the cross is seen both ways. */
export const table2Spec = armTableSpec('table2', 'table2_mask_type', (testSet) =>
  testSet === 'photo-test' ? [{ kind: 'gt', d256: 0 }, { kind: 'random' }] : [{ kind: 'gt', d256: 0 }],
);

/** Table III (fine-tuning size, Sec. IV-C): an arm 'pairsN' per number N of object pairs the random-mask network
 *  (Table II's random-s0, which is N = 0) was fine-tuned on, for equal steps; exact masks m_G. */
export const table3Spec = armTableSpec('table3', 'table3_finetune_size', () => [{ kind: 'gt', d256: 0 }]);

/** What `npm run reproduce --only NAME` runs. Table I scores inpainters by name (the learned one with
 *  --checkpoints); the later tables score arms: the sub-folders of --arms DIR whose names match `arm`, each
 *  holding edge/, segInpainter/ and image/ (training runs or exports). Results go to results/<folder>/<experiment>/. */
export interface TableExperiments {
  paperTable: PaperTableName;
  folder: string; // '' = results/ itself (Table I's place)
  arm?: RegExp;
  testSets: string[]; // the default --test-set
  spec(
    preset: string,
    o: { inpainter: string; arm?: string; checkpoints?: Checkpoints; removal?: RemovalSpec },
    testSet: string,
  ): ExperimentSpec;
}

const armSpec =
  (f: typeof table2Spec) => (preset: string, o: { arm?: string; checkpoints?: Checkpoints }, testSet: string) => {
    if (!o.arm || !o.checkpoints) throw new Error('an arm of this table needs its name and checkpoints');
    return f(preset, o.arm, o.checkpoints, testSet);
  };

const SELECTED_SPEC = { masks: [{ kind: 'selected' as const }], metrics: PSNR_SSIM_BOTH_PROTOCOLS };

/** Table IV (alpha, Sec. IV-D): an arm per joint run, 'alpha0.03', ..., 'nomel' (lambda_X = 0), each removing with
 *  its own segmenter and inpainters (lib/pipeline/jointRemoval.ts jointRemover). Table V's 'ours' rows too. */
export function table4Spec(preset: string, arm: string, removal: RemovalSpec, testSet = 'photo-test'): ExperimentSpec {
  if (removal.method !== 'joint')
    throw new Error(`table4 arm ${arm}: the removal of a joint run, got ${removal.method}`);
  return {
    name: withTestSet(`table4-${arm}-${preset}`, testSet),
    table: 'table4_alpha',
    inpainter: 'joint',
    arm,
    testSet: testSetSpec(preset, testSet),
    removal,
    ...SELECTED_SPEC,
  };
}

/** 'segmask' for the pretrained segmenter's masks, 'segmasklps' for the L_PS-fine-tuned one's, 'segmaskscratch' for
 *  the from-scratch one's. */
export const segmaskName = (removal: RemovalSpec) =>
  removal.method !== 'segmenterMask'
    ? 'segmask'
    : ({ [TABLE5_LPS_SEGMENTER]: 'segmasklps', [TABLE5_SCRATCH_SEGMENTER]: 'segmaskscratch' }[removal.segmenter] ??
      'segmask');

/** Table V's segmenter-mask rows (Sec. IV-E): the pretrained segmenter's mask dilated by k px, filled by
 *  `inpainter` (its checkpoints recorded for 'ours'). `testSet` 'photo-validation' is the validation split the
 *  best k is chosen on (seed VALIDATION_SEED, half the test set's count, as validationSpec). */
export function table5Spec(
  preset: string,
  inpainter: string,
  removal: RemovalSpec,
  checkpoints: Checkpoints | undefined,
  testSet = 'photo-test',
): ExperimentSpec {
  if (removal.method !== 'segmenterMask') throw new Error(`table5: a segmenter-mask removal, got ${removal.method}`);
  const validation = testSet === 'photo-validation';
  const { size, count } = evalPreset(preset);
  return {
    name: `table5-${segmaskName(removal)}-${inpainter}-k${removal.k}-${preset}-${testSet}`,
    table: 'table5_sota',
    inpainter,
    checkpoints,
    testSet: validation
      ? {
          kind: 'photo-validation',
          seed: VALIDATION_SEED,
          count: validationCount(count),
          size,
          version: REAL_TEST_SET_VERSION,
        }
      : testSetSpec(preset, testSet),
    removal,
    ...SELECTED_SPEC,
  };
}

/** Table V's segmenter-mask rows: the classical fills and our shipped inpainters at k = 0, ours also at each k of
 *  TABLE5_K (the sweep, chosen on validation); the joint rows are Table IV's arms TABLE5_JOINT_ARMS. */
export const TABLE5_K = [0, 1, 2, 3, 4];
export const TABLE5_FILLS = ['telea', 'meanFill', LEARNED_INPAINTER];
/** Fixed before any result: 'ours' is the paper's alpha = 0.03. */
export const TABLE5_JOINT_ARMS = { ours: 'alpha0.03', noMel: 'nomel' } as const;
/** The segmenter the masks come from (lib/models/pretrainedSegmenter.ts), recorded in the spec. */
export const TABLE5_SEGMENTER = 'mediapipe-selfie';
/** The same segmenter fine-tuned on L_PS alone (scripts/experiments/table4.sh segmenter-lps): a run folder beside
 *  the joint arms. Its rows separate what fine-tuning the segmenter gives from what joint training with MEL adds. */
export const TABLE5_LPS_SEGMENTER = 'mediapipe-selfie-lps';
export const TABLE5_LPS_RUN = 'segmenter-lps';
/** The from-scratch panoptic segmenter (lib/models/segmenter.ts), trained on procedural scenes alone (10,000 cpu
 *  steps, its resume state shipped): the comparison item 1 of issue 16 asks for. Its masks are filled by our
 *  inpainting network at k = 0 only. */
export const TABLE5_SCRATCH_SEGMENTER = 'scratch-procedural';
export const TABLE5_SCRATCH_RUN = path.join('checkpoints', 'cpu', 'resume', 'segmenter-cpu');

/** Table V's perceptual scores (issue 16, item 4): PSNR (paper protocol, to set the subset beside the full set)
 *  and the LPIPS-like distance per image; the FID-like score of the same outputs is written beside the rows
 *  (lib/eval/fidLike.ts fidLikeOfRemoval). */
export const TABLE5_PERCEPTUAL_METRICS: MetricSpec[] = [
  { metric: 'psnr', protocol: 'paper' },
  { metric: 'lpipsLike', protocol: LPIPS_LIKE_PROTOCOL },
];

/** A Table V row's perceptual experiment: its removal (a segmenter-mask row, or a joint arm with `arm`) on
 *  `perBucket` items a bucket of the test set, since InceptionV3 costs about 1 s an image on one core. The items:
 *  photo-test's first 4 x perBucket, the same as the full set's (its items depend on the index alone); vtest's
 *  are its own, stratified over the test range for that count (vtest items depend on the count). */
export function table5PerceptualSpec(
  preset: string,
  o: { inpainter: string; removal: RemovalSpec; checkpoints?: Checkpoints; arm?: string },
  testSet: string,
  perBucket: number,
): ExperimentSpec {
  const full = testSetSpec(preset, testSet);
  const count = perBucket * MASK_RATIO_BUCKETS.length;
  if (!Number.isInteger(perBucket) || perBucket < 2 || count > full.count)
    throw new Error(
      `table5 perceptual: ${perBucket} items a bucket; at least 2 (FID-like needs 2 a set) and at most ` +
        `${full.count / MASK_RATIO_BUCKETS.length} at preset ${preset}`,
    );
  const joint = o.removal.method === 'joint';
  if (joint !== (o.arm !== undefined)) throw new Error('table5 perceptual: a joint removal goes with its arm name');
  const row = o.removal.method === 'joint' ? o.arm : `${segmaskName(o.removal)}-${o.inpainter}-k${o.removal.k}`;
  return {
    name: `table5-perceptual${count}-${row}-${preset}-${testSet}`,
    table: 'table5_sota',
    inpainter: o.inpainter,
    arm: o.arm,
    checkpoints: o.checkpoints,
    testSet: { ...full, count },
    removal: o.removal,
    masks: [{ kind: 'selected' }],
    metrics: TABLE5_PERCEPTUAL_METRICS,
  };
}

export const TABLES = {
  table1: {
    paperTable: 'table1_mask_size',
    folder: '',
    testSets: ['procedural'],
    spec: (preset, o, testSet) => table1Spec(preset, o.inpainter, o.checkpoints, testSet),
  },
  table2: {
    paperTable: 'table2_mask_type',
    folder: 'table2',
    arm: /^(object|random)-s(\d+)$/,
    testSets: ['photo-test', 'vtest', 'procedural'],
    spec: armSpec(table2Spec),
  },
  table3: {
    paperTable: 'table3_finetune_size',
    folder: 'table3',
    arm: /^pairs(\d+)$/,
    testSets: ['photo-test', 'vtest'],
    spec: armSpec(table3Spec),
  },
  table4: {
    paperTable: 'table4_alpha',
    folder: 'table4',
    arm: /^(?:refiner-)?(?:alpha(\d*\.?\d+)|nomel)$/,
    testSets: ['photo-test', 'vtest'],
    spec: (preset, o, testSet) => {
      if (!o.arm || !o.removal) throw new Error('a Table IV arm needs its name and removal');
      return table4Spec(preset, o.arm, o.removal, testSet);
    },
  },
  table5: {
    paperTable: 'table5_sota',
    folder: 'table5',
    testSets: ['photo-test', 'vtest'],
    spec: (preset, o, testSet) => {
      if (!o.removal) throw new Error('a Table V row needs its removal');
      return table5Spec(preset, o.inpainter, o.removal, o.checkpoints, testSet);
    },
  },
} satisfies Record<string, TableExperiments>;
export type TableName = keyof typeof TABLES;

/** The finished experiments of `table` at `preset`'s test-set size and count, under `results` (default results/):
 *  what `npm run figures` draws, for notebooks. */
export function tableResults(table: TableName, preset: string, results = resultsDir()): LoadedExperiment[] {
  const { size, count } = evalPreset(preset);
  const t: TableExperiments = TABLES[table];
  return finishedExperiments(
    loadResults(path.join(results, t.folder)).filter((e) => e.spec.table === t.paperTable),
    size,
    count,
  ).drawn;
}

export interface Arm {
  name: string;
  checkpoints: CheckpointPaths;
}

/** The arms of `table` under `dir`: its sub-folders named like the table's arms, in name order, each with all
 *  three parts. `dir` may also be their parent holding a folder named after the table (runs/ for runs/table2/). */
export function findArms(table: TableName, dir: string): Arm[] {
  const pattern = (TABLES[table] as TableExperiments).arm;
  if (!pattern) throw new Error(`${table} scores inpainters by name (--inpainter, --checkpoints), not arms`);
  if (!fs.existsSync(dir)) throw new Error(`--arms ${dir}: no such folder`);
  const named = (d: string) =>
    fs.readdirSync(d).filter((n) => pattern.test(n) && fs.statSync(path.join(d, n)).isDirectory());
  const root = named(dir).length === 0 && fs.existsSync(path.join(dir, table)) ? path.join(dir, table) : dir;
  const arms = named(root)
    .sort()
    .map((name) => ({
      name,
      checkpoints: Object.fromEntries(INPAINTER_PARTS.map((p) => [p, path.join(root, name, p)])) as CheckpointPaths,
    }));
  if (arms.length === 0)
    throw new Error(
      `--arms ${dir}: no ${table} arm folders (named like ${pattern.source}) in it or in ${path.join(dir, table)}`,
    );
  for (const a of arms)
    for (const p of INPAINTER_PARTS) {
      if (!fs.existsSync(a.checkpoints[p]))
        throw new Error(
          `${table} arm ${a.name}: no ${p}/ in ${path.join(root, a.name)} ` +
            `(expected ${INPAINTER_PARTS.map((q) => `${q}/`).join(', ')})`,
        );
    }
  return arms;
}

/** The joint runs of Table IV under `dir` (or dir/table4): sub-folders named alphaA or nomel holding a joint run's
 *  ckpt.json, in name order. */
export function findJointArms(dir: string): { name: string; run: string }[] {
  const pattern = TABLES.table4.arm;
  if (!fs.existsSync(dir)) throw new Error(`--arms ${dir}: no such folder`);
  const named = (d: string) =>
    fs.readdirSync(d).filter((n) => pattern.test(n) && fs.statSync(path.join(d, n)).isDirectory());
  const root = named(dir).length === 0 && fs.existsSync(path.join(dir, 'table4')) ? path.join(dir, 'table4') : dir;
  const arms = named(root)
    .sort()
    .map((name) => ({ name, run: path.join(root, name) }));
  if (arms.length === 0)
    throw new Error(`--arms ${dir}: no table4 arm folders (alphaA, nomel) in it or in ${path.join(dir, 'table4')}`);
  for (const a of arms)
    if (!fs.existsSync(path.join(a.run, 'ckpt.json')) && !fs.existsSync(path.join(a.run, 'weights.json')))
      throw new Error(`table4 arm ${a.name}: ${a.run} holds no joint run (ckpt.json) nor export (weights.json)`);
  return arms;
}

/** A classical inpainter by name. */
export function resolveInpainter(name: string): Inpainter {
  const classical = CLASSICAL_INPAINTERS[name as keyof typeof CLASSICAL_INPAINTERS];
  if (!classical) {
    throw new Error(
      `unknown inpainter '${name}': available are ${Object.keys(CLASSICAL_INPAINTERS).join(', ')}` +
        (name === LEARNED_INPAINTER
          ? ` ('${LEARNED_INPAINTER}' needs checkpoints: use loadInpainter)`
          : ` and '${LEARNED_INPAINTER}' (with checkpoints)`),
    );
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
 * Any inpainter by name, for a test set of size x size images. 'ours' (LEARNED_INPAINTER) loads its checkpoints
 * (needs an initialised tfjs backend) and refuses ones trained at another resolution; classical fills ignore
 * `checkpoints`.
 */
export function loadInpainter(name: string, o: { size: number; checkpoints?: CheckpointPaths }): InpainterChoice {
  if (name !== LEARNED_INPAINTER) return { inpainter: resolveInpainter(name), dispose: () => {} };
  if (!o.checkpoints)
    throw new Error(`inpainter '${LEARNED_INPAINTER}' needs checkpoints of the edge, segInpainter and image stages`);
  const nets = loadLearnedInpainters(o.checkpoints);
  if (nets.size !== o.size) {
    nets.dispose();
    throw new Error(
      `checkpoint ${nets.checkpoints.edge.path} (and its edge/segInpainter/image siblings) was trained at ` +
        `${nets.size}x${nets.size}, the test set is ${o.size}x${o.size}`,
    );
  }
  return { inpainter: edgeConnectInpainter(nets), checkpoints: nets.checkpoints, dispose: nets.dispose };
}
