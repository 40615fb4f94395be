// npm run reproduce -- [--preset tiny|cpu|paper] [--only table1,table2,table3]
//                      [--test-set procedural|photo-test|vtest[,...]]
//                      [--inpainter telea[,meanFill,ours]] [--checkpoints edge=DIR,segInpainter=DIR,image=DIR]
//                      [--arms DIR] [--results DIR] [--backend wasm|cpu|...] [--threads N]
//
// Runs the tables' experiments (lib/eval/experiments.ts TABLES) and writes results/[<table>/]<experiment>/ (per-image
// rows, per-bucket aggregates). Resumable: re-running skips finished images; a changed spec under the same name is
// refused. Table I scores inpainters: default telea and meanFill, plus ours (the learned pipeline,
// lib/pipeline/inpaintingNetwork.ts) when --checkpoints is given; DIR is a training run directory or its ckpt.json,
// or an export. Tables II and III score arms: every sub-folder of --arms DIR named like the table's arms (object-s0,
// random-s1, ...; pairs3400, ...), or of DIR/<table>, each holding edge/, seg/, image/; their training curves go to
// results/<table>/curves.json. Each table has its default test sets (--test-set overrides them for all).
// Table IV scores the joint runs under --arms DIR (alphaA, nomel: each a joint run's folder, or DIR/table4), removing
// in the automatic setting; Table V the pretrained segmenter's mask (+ k px) filled by Telea, the mean fill and our
// paper-design inpainters (--checkpoints, default checkpoints/cpu with image-edgeconnect), k chosen on the photo validation split, and the joint
// runs 'alpha0.03' and 'nomel' of --arms (into results/table4, the same experiments as Table IV's).
// --perceptual N (with --only table5): instead, Table V's LPIPS-like and FID-like scores, on N items a bucket of each
// test set (InceptionV3 costs about 1 s an image on one core): the segmenter-mask rows at k = 0 and at the k* the
// finished validation results chose, and the joint arms, 'alpha0.03' also as its shipped export
// checkpoints/<preset>/joint when --arms holds no such run (results/table5/table5-perceptual<4N>-<row>-...).
// The checkpoints must be of the test set's resolution. Figures and tables are rebuilt by `npm run figures`.
import { initBackend, BACKENDS, type BackendName } from '../backend/index';
import {
  type Arm,
  TABLE5_FILLS,
  TABLE5_JOINT_ARMS,
  TABLE5_K,
  TABLE5_SEGMENTER,
  TABLE5_LPS_RUN,
  TABLE5_LPS_SEGMENTER,
  TABLE5_SCRATCH_RUN,
  TABLE5_SCRATCH_SEGMENTER,
  TABLES,
  TEST_SETS,
  type TableName,
  type TableExperiments,
  evalPreset,
  findArms,
  table5PerceptualSpec,
  findJointArms,
  loadInpainter,
  resolveInpainter,
  segmaskName,
  testSetSpec,
} from '../eval/experiments';
import { trainingCurves, writeTrainingCurves } from '../eval/trainingCurves';
import { fidLikeOfRemoval } from '../eval/fidLike';
import { chooseK, table5Results } from '../eval/table5';
import { type ExperimentSpec, resultsDir, runExperiment } from '../eval/experiment';
import type { Inpainter } from '../inpaint/inpainter';
import { CLASSICAL_INPAINTERS, LEARNED_INPAINTER } from '../inpaint/inpainter';
import type { CheckpointPaths } from '../pipeline/learnedInpainters';
import { paperDesignWeightsPaths, shippedWeightsDir } from '../io/shippedWeights';
import {
  jointRemover,
  type MaskSegmenter,
  loadSegmenterRun,
  loadJointRemovalNetwork,
  segmenterMaskRemover,
} from '../pipeline/jointRemoval';
import { loadPretrainedSegmenter } from '../models/pretrainedSegmenter';
import type { Remover } from '../pipeline/jointRemoval';
import { parseCheckpointsArg } from './checkpointsArg';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite';
import { repoPath, repoRelative } from '../io/repoRoot';
import { type CliSpec, parseCli, runCli, choiceArg, integerArg, listArg } from './args';

const REPRODUCE_CLI: CliSpec = {
  name: 'reproduce',
  usage:
    '[--preset tiny|cpu|paper] [--only table1,table2,table3] [--inpainter telea[,meanFill,ours]] ' +
    '[--checkpoints ...] [--arms DIR]',
  summary:
    "Runs the tables' experiments into results/[<table>/]<experiment>/ (resumable: finished images are skipped).",
  options: {
    preset: { type: 'string', value: 'NAME', help: 'evaluation preset (default tiny)' },
    only: {
      type: 'string',
      value: `${Object.keys(TABLES).join(',')}`,
      help: 'tables to run (default table1; table2 to table5 need --arms)',
    },
    'test-set': {
      type: 'string',
      value: `${TEST_SETS.join('|')}|coco:ROOT,...`,
      help: "test sets (default: each table's; photo-test and vtest need scripts/fetch-photos.sh)",
    },
    inpainter: {
      type: 'string',
      value: 'NAME,...',
      help: 'table1: inpainters (default telea, meanFill, and ours with --checkpoints)',
    },
    checkpoints: {
      type: 'string',
      value: 'edge=DIR,segInpainter=DIR,image=DIR',
      help: "table1, table5: the learned pipeline's weights (run folders or exports; table5: checkpoints/cpu)",
    },
    arms: {
      type: 'string',
      value: 'DIR',
      help: 'table2 to table5: the folder of arm folders (e.g. runs/table2, or runs holding table2/ ... table4/)',
    },
    results: { type: 'string', value: 'DIR', help: 'results folder (default results/, or RESULTS_DIR)' },
    backend: { type: 'string', value: BACKENDS.join('|'), help: "tfjs backend (default: initBackend's choice)" },
    threads: { type: 'string', value: 'N', help: 'wasm threads' },
    perceptual: {
      type: 'string',
      value: 'N',
      help: "table5: its rows' LPIPS-like and FID-like scores on N items a bucket, instead of its PSNR/SSIM runs",
    },
  },
};

interface Args {
  preset: string;
  only: TableName[];
  testSets?: string[];
  inpainters: string[];
  checkpoints?: CheckpointPaths;
  arms: Partial<Record<TableName, Arm[]>>;
  jointArms?: { name: string; run: string }[]; // tables 4, 5
  armsDir?: string;
  results: string;
  backend?: BackendName;
  threads?: number;
  perceptual?: number; // table5: items a bucket of the perceptual experiments
}

function parseArgs(argv: string[]): Args | null {
  const parsed = parseCli(REPRODUCE_CLI, argv);
  if (!parsed) return null;
  const o = parsed.values as Record<string, string | undefined>;
  const only = (listArg('only', o.only) ?? ['table1']) as TableName[];
  for (const e of only)
    if (!(e in TABLES)) throw new Error(`unknown table '${e}' (expected ${Object.keys(TABLES).join(', ')})`);
  const checkpoints = o.checkpoints ? (parseCheckpointsArg(o.checkpoints) as CheckpointPaths) : undefined;
  const inpainters = listArg('inpainter', o.inpainter) ?? [
    ...Object.keys(CLASSICAL_INPAINTERS),
    ...(checkpoints ? [LEARNED_INPAINTER] : []),
  ];
  // fail before any work on an unknown name, a learned inpainter without weights, or a table without its arms
  for (const name of inpainters) {
    if (name === LEARNED_INPAINTER && !checkpoints)
      throw new Error(`--inpainter ${LEARNED_INPAINTER} needs --checkpoints edge=DIR,segInpainter=DIR,image=DIR`);
    if (name !== LEARNED_INPAINTER) resolveInpainter(name);
  }
  const arms: Partial<Record<TableName, Arm[]>> = {};
  for (const t of only.filter((x) => x === 'table2' || x === 'table3')) {
    if (!o.arms) throw new Error(`--only ${t} needs --arms DIR: the folder of its arm folders (e.g. runs/${t})`);
    arms[t] = findArms(t, o.arms);
  }
  let jointArms: { name: string; run: string }[] | undefined;
  if (only.includes('table4') || only.includes('table5')) {
    if (!o.arms)
      throw new Error('--only table4/table5 need --arms DIR: the folder of the joint runs (e.g. runs/table4)');
    jointArms = findJointArms(o.arms);
    if (only.includes('table5'))
      for (const a of Object.values(TABLE5_JOINT_ARMS))
        if (!jointArms.some((j) => j.name === a) && !(o.perceptual && a === TABLE5_JOINT_ARMS.ours))
          throw new Error(`--only table5 needs the joint run '${a}' in --arms ${o.arms} (Table V's ours / w/o MEL)`);
  }
  const testSets = listArg('test-set', o['test-set']);
  // an unknown name fails here, before any work
  for (const t of testSets ?? []) if (!t.startsWith('coco:')) testSetSpec('tiny', t);
  const preset = o.preset ?? 'tiny';
  evalPreset(preset);
  const perceptual = integerArg('perceptual', o.perceptual);
  if (perceptual !== undefined && (only.length !== 1 || only[0] !== 'table5'))
    throw new Error('--perceptual goes with --only table5');
  return {
    preset,
    only,
    testSets,
    inpainters,
    checkpoints,
    arms,
    armsDir: o.arms,
    jointArms,
    results: o.results ?? resultsDir(),
    backend: choiceArg('backend', o.backend, BACKENDS),
    threads: integerArg('threads', o.threads),
    perceptual,
  };
}

/** Runs one spec and records the command beside its results (rewritten only when this run computed something). */
async function run(
  spec: ExperimentSpec,
  with_: { inpainter?: Inpainter; remover?: Remover },
  dir: string,
): Promise<void> {
  const t0 = Date.now();
  const s = await runExperiment(spec, { ...with_, resultsDir: dir });
  const commandFile = path.join(s.dir, 'command.txt');
  if (s.computedImages > 0 || !fs.existsSync(commandFile)) {
    writeFileAtomic(commandFile, `npm run reproduce -- ${process.argv.slice(2).join(' ')}\n`);
  }
  console.error(
    `reproduce: ${spec.name}: ${s.computedImages} images computed, ${s.skippedImages} already done, ` +
      `${s.rows} rows in ${repoRelative(s.dir)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) return;
  const { preset, only, inpainters, checkpoints, results } = args;
  const { size } = evalPreset(preset);
  const learnedNeeded =
    only.some((t) => args.arms[t]) ||
    args.jointArms !== undefined ||
    (only.includes('table1') && inpainters.includes(LEARNED_INPAINTER));
  if (learnedNeeded) await initBackend({ backend: args.backend, threads: args.threads });
  // every set of weights is loaded and checked before any experiment runs
  for (const t of only)
    for (const a of args.arms[t] ?? [])
      loadInpainter(LEARNED_INPAINTER, { size, checkpoints: a.checkpoints }).dispose();
  for (const table of only) {
    const def: TableExperiments = TABLES[table];
    const dir = path.join(results, def.folder);
    const testSets = args.testSets ?? def.testSets;
    if (table === 'table5' && args.perceptual !== undefined) {
      await runTable5Perceptual(args, args.perceptual);
      continue;
    }
    if (table === 'table4' || table === 'table5') {
      await runRemovalTable(table, args);
      continue;
    }
    const arms = args.arms[table];
    if (arms) {
      writeTrainingCurves(path.join(dir, 'curves.json'), trainingCurves(arms));
      for (const arm of arms) {
        const choice = loadInpainter(LEARNED_INPAINTER, { size, checkpoints: arm.checkpoints });
        try {
          for (const testSet of testSets) {
            await run(
              def.spec(
                preset,
                { inpainter: LEARNED_INPAINTER, arm: arm.name, checkpoints: choice.checkpoints },
                testSet,
              ),
              { inpainter: choice.inpainter },
              dir,
            );
          }
        } finally {
          choice.dispose();
        }
      }
      continue;
    }
    for (const name of inpainters) {
      const choice = loadInpainter(name, { size, checkpoints });
      try {
        for (const testSet of testSets)
          await run(
            def.spec(preset, { inpainter: name, checkpoints: choice.checkpoints }, testSet),
            { inpainter: choice.inpainter },
            dir,
          );
      } finally {
        choice.dispose();
      }
    }
  }
}

type LoadedSegmenter = { segmenter: MaskSegmenter; checkpoint?: { file: string; step: number; sha256: string } };

/** Table V's segmenters and the fills their masks get: the pretrained one (every fill at k = 0, ours also at each k
 *  of TABLE5_K: `sweep`, chosen on validation), the L_PS-fine-tuned one where its run sits beside the joint arms (the
 *  same), and the from-scratch one trained on procedural scenes (ours at k = 0: the segmenter comparison). */
function table5Segmenters(
  args: Args,
): { name: string; load: () => LoadedSegmenter; fills: string[]; sweep: boolean }[] {
  const lpsRun = path.join(path.dirname(args.jointArms![0].run), TABLE5_LPS_RUN);
  return [
    {
      name: TABLE5_SEGMENTER,
      load: () => ({ segmenter: loadPretrainedSegmenter() }),
      fills: TABLE5_FILLS,
      sweep: true,
    },
    ...(fs.existsSync(path.join(lpsRun, 'ckpt.json'))
      ? [{ name: TABLE5_LPS_SEGMENTER, load: () => loadSegmenterRun(lpsRun), fills: TABLE5_FILLS, sweep: true }]
      : []),
    {
      name: TABLE5_SCRATCH_SEGMENTER,
      load: () => loadSegmenterRun(repoPath(TABLE5_SCRATCH_RUN)),
      fills: [LEARNED_INPAINTER],
      sweep: false,
    },
  ];
}

/** Table IV: every joint arm on its test sets. Table V: the segmenter-mask rows (validation first, for the choice
 *  of k), then the joint arms TABLE5_JOINT_ARMS into Table IV's folder. */
async function runRemovalTable(table: 'table4' | 'table5', args: Args): Promise<void> {
  const { preset, results } = args;
  const { size } = evalPreset(preset);
  const testSets = args.testSets ?? TABLES[table].testSets;
  const joint =
    table === 'table4'
      ? args.jointArms!
      : args.jointArms!.filter((a) => (Object.values(TABLE5_JOINT_ARMS) as string[]).includes(a.name));
  if (table === 'table5') {
    const checkpoints = args.checkpoints ?? (paperDesignWeightsPaths(shippedWeightsDir('cpu')) as CheckpointPaths);
    for (const s of table5Segmenters(args)) {
      const { segmenter, checkpoint } = s.load();
      try {
        for (const fill of s.fills) {
          const choice = loadInpainter(fill, { size, checkpoints });
          try {
            const sweep = s.sweep && fill === LEARNED_INPAINTER;
            for (const testSet of sweep ? ['photo-validation', ...testSets] : testSets)
              for (const k of sweep ? TABLE5_K : [0]) {
                const removal = {
                  method: 'segmenterMask' as const,
                  segmenter: s.name,
                  k,
                  ...(checkpoint && { checkpoint }),
                };
                const spec = TABLES.table5.spec(
                  preset,
                  { inpainter: fill, checkpoints: choice.checkpoints, removal },
                  testSet,
                );
                await run(
                  spec,
                  { remover: segmenterMaskRemover(choice.inpainter, k, segmenter) },
                  path.join(results, TABLES.table5.folder),
                );
              }
          } finally {
            choice.dispose();
          }
        }
      } finally {
        segmenter.dispose();
      }
    }
  }
  for (const arm of joint) {
    const net = loadJointRemovalNetwork(arm.run);
    try {
      if (net.size !== size)
        throw new Error(
          `${net.checkpoint.file} was trained at ${net.size}x${net.size}, the test set is ${size}x${size}`,
        );
      const removal = { method: 'joint' as const, checkpoint: net.checkpoint };
      for (const testSet of testSets)
        await run(
          TABLES.table4.spec(preset, { inpainter: 'joint', arm: arm.name, removal }, testSet),
          { remover: jointRemover(net) },
          path.join(results, TABLES.table4.folder),
        );
    } finally {
      net.dispose();
    }
  }
}

/** Table V's perceptual experiments (--perceptual N): every row's removers are loaded first (weights fixed before
 *  any run), then per test set each row's LPIPS-like run and its FID-like score. */
async function runTable5Perceptual(args: Args, perBucket: number): Promise<void> {
  const { preset, results } = args;
  const { size } = evalPreset(preset);
  const dir = path.join(results, TABLES.table5.folder);
  const { table5 } = table5Results(preset, results);
  const checkpoints = args.checkpoints ?? (paperDesignWeightsPaths(shippedWeightsDir(preset)) as CheckpointPaths);
  const segmenters = table5Segmenters(args).map((s) => ({ ...s, ...s.load() }));
  const fills = TABLE5_FILLS.map((fill) => ({ fill, choice: loadInpainter(fill, { size, checkpoints }) }));
  // 'ours' is its shipped export (what a clean checkout has: the run itself is not shipped), so the same command
  // scores the same weights whether or not runs/table4/alpha0.03 is there; w/o MEL is its run (parseArgs found it)
  const runOf = (name: string) =>
    name === TABLE5_JOINT_ARMS.ours
      ? path.join(shippedWeightsDir(preset), 'joint')
      : args.jointArms!.find((a) => a.name === name)!.run;
  const nets = Object.values(TABLE5_JOINT_ARMS).map((name) => ({ name, net: loadJointRemovalNetwork(runOf(name)) }));
  try {
    for (const { net } of nets)
      if (net.size !== size)
        throw new Error(
          `${net.checkpoint.file} was trained at ${net.size}x${net.size}, the test set is ${size}x${size}`,
        );
    const rows = [
      ...segmenters.flatMap((s) => {
        const removal = (k: number) => ({
          method: 'segmenterMask' as const,
          segmenter: s.name,
          k,
          ...(s.checkpoint && { checkpoint: s.checkpoint }),
        });
        // k = 0, and the k chosen on validation for this segmenter's masks
        const chosen = s.sweep ? chooseK(table5, segmaskName(removal(0))) : null;
        if (s.sweep && !chosen)
          console.error(`reproduce: ${s.name}: no finished validation results: k* unknown, only k = 0 is scored`);
        return fills
          .filter(({ fill }) => s.fills.includes(fill))
          .flatMap(({ fill, choice }) =>
            [...new Set([0, fill === LEARNED_INPAINTER ? (chosen?.k ?? 0) : 0])].map((k) => ({
              o: { inpainter: fill, checkpoints: choice.checkpoints, removal: removal(k) },
              remover: segmenterMaskRemover(choice.inpainter, k, s.segmenter),
            })),
          );
      }),
      ...nets.map(({ name, net }) => ({
        o: { inpainter: 'joint', arm: name, removal: { method: 'joint' as const, checkpoint: net.checkpoint } },
        remover: jointRemover(net),
      })),
    ];
    const truths = new Map<string, Float64Array[]>();
    for (const testSet of args.testSets ?? TABLES.table5.testSets)
      for (const { o, remover } of rows) {
        const spec = table5PerceptualSpec(preset, o, testSet, perBucket);
        await run(spec, { remover }, dir);
        const t0 = Date.now();
        const fid = await fidLikeOfRemoval(spec, remover, path.join(dir, spec.name), { truths });
        console.error(
          `reproduce: ${spec.name}: FID-like ${fid.all.value.toFixed(2)} over ${fid.all.count} images ` +
            `(${((Date.now() - t0) / 1000).toFixed(1)} s)`,
        );
      }
  } finally {
    for (const { choice } of fills) choice.dispose();
    for (const { net } of nets) net.dispose();
    for (const s of segmenters) s.segmenter.dispose();
  }
}

runCli('reproduce', main);
