// npm run reproduce -- [--preset tiny|cpu|paper] [--only table1[,...]] [--test-set procedural|photo-test|vtest[,...]]
//                      [--inpainter telea[,meanFill,edgeconnect]]
//                      [--checkpoints edge=DIR,seg=DIR,image=DIR] [--results DIR] [--backend wasm|cpu|...] [--threads N]
//
// Runs the named experiments (lib/eval/experiments.ts) for each inpainter and writes results/<experiment>/
// (per-image rows, per-bucket aggregates). Resumable: re-running skips finished images; a changed spec under the
// same name is refused. Defaults: --preset tiny, every experiment, inpainters telea and meanFill, plus edgeconnect
// when --checkpoints is given. edgeconnect is the learned pipeline (lib/inpaint/edgeConnect.ts): DIR is a training
// run directory or its ckpt.json; the checkpoints must be of the test set's resolution.
// Figures and tables are rebuilt from results/ by `npm run figures`.
import { initBackend, BACKENDS, BackendName } from '../backend/index';
import { EXPERIMENTS, TEST_SETS, evalPreset, loadInpainter, resolveInpainter, testSetSpec } from '../eval/experiments';
import { runExperiment } from '../eval/experiment';
import { CLASSICAL_INPAINTERS, LEARNED_INPAINTER } from '../inpaint/inpainter';
import { CheckpointPaths } from '../inpaint/learnedInpainters';
import { parseCheckpointsArg } from './checkpointsArg';
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../io/atomicWrite';
import { repoRelative } from '../io/repoRoot';
import { CliSpec, parseCli, runCli, choiceArg, integerArg, listArg } from './args';

const REPRODUCE_CLI: CliSpec = {
  name: 'reproduce',
  usage: '[--preset tiny|cpu|paper] [--only table1[,...]] [--inpainter telea[,meanFill,edgeconnect]] [--checkpoints ...]',
  summary: 'Runs the named experiments for each inpainter into results/<experiment>/ (resumable: finished images are skipped).',
  options: {
    preset: { type: 'string', value: 'NAME', help: 'evaluation preset (default tiny)' },
    only: { type: 'string', value: 'EXP,...', help: 'experiments to run (default: all)' },
    'test-set': { type: 'string', value: `${TEST_SETS.join('|')}|coco:ROOT,...`, help: 'test sets (default procedural; photo-test and vtest need scripts/fetch-photos.sh)' },
    inpainter: { type: 'string', value: 'NAME,...', help: 'inpainters (default telea, meanFill, and edgeconnect with --checkpoints)' },
    checkpoints: { type: 'string', value: 'edge=DIR,seg=DIR,image=DIR', help: "the learned pipeline's weights (run folders or exports)" },
    results: { type: 'string', value: 'DIR', help: 'results folder (default results/, or RESULTS_DIR)' },
    backend: { type: 'string', value: BACKENDS.join('|'), help: "tfjs backend (default: initBackend's choice)" },
    threads: { type: 'string', value: 'N', help: 'wasm threads' },
  },
};

interface Args {
  preset: string;
  only: string[];
  testSets: string[];
  inpainters: string[];
  checkpoints?: CheckpointPaths;
  results?: string;
  backend?: BackendName;
  threads?: number;
}

function parseArgs(argv: string[]): Args | null {
  const parsed = parseCli(REPRODUCE_CLI, argv);
  if (!parsed) return null;
  const o = parsed.values as Record<string, string | undefined>;
  const only = listArg('only', o.only) ?? Object.keys(EXPERIMENTS);
  for (const e of only) if (!EXPERIMENTS[e]) throw new Error(`unknown experiment '${e}' (expected ${Object.keys(EXPERIMENTS).join(', ')})`);
  const checkpoints = o.checkpoints ? parseCheckpointsArg(o.checkpoints) as CheckpointPaths : undefined;
  const inpainters = listArg('inpainter', o.inpainter) ?? [...Object.keys(CLASSICAL_INPAINTERS), ...(checkpoints ? [LEARNED_INPAINTER] : [])];
  // fail before any work on an unknown name or a learned inpainter without weights
  for (const name of inpainters) {
    if (name === LEARNED_INPAINTER && !checkpoints) throw new Error(`--inpainter ${LEARNED_INPAINTER} needs --checkpoints edge=DIR,seg=DIR,image=DIR`);
    if (name !== LEARNED_INPAINTER) resolveInpainter(name);
  }
  const testSets = listArg('test-set', o['test-set']) ?? ['procedural'];
  for (const t of testSets) if (!t.startsWith('coco:')) testSetSpec('tiny', t); // an unknown name fails here, before any work
  const preset = o.preset ?? 'tiny';
  evalPreset(preset);
  return { preset, only, testSets, inpainters, checkpoints, results: o.results, backend: choiceArg('backend', o.backend, BACKENDS), threads: integerArg('threads', o.threads) };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) return;
  const { preset, only, testSets, inpainters, checkpoints, results, backend, threads } = args;
  const { size } = evalPreset(preset);
  // the learned pipeline's weights are loaded and checked before any inpainter runs
  if (inpainters.includes(LEARNED_INPAINTER)) await initBackend({ backend, threads });
  const learned = inpainters.includes(LEARNED_INPAINTER) ? loadInpainter(LEARNED_INPAINTER, { size, checkpoints }) : undefined;
  for (const name of inpainters) {
    const choice = name === LEARNED_INPAINTER ? learned! : loadInpainter(name, { size, checkpoints });
    try {
      for (const experiment of only) for (const testSet of testSets) {
        const spec = EXPERIMENTS[experiment](preset, name, choice.checkpoints, testSet);
        const t0 = Date.now();
        const s = await runExperiment(spec, { inpainter: choice.inpainter, resultsDir: results });
        // The command beside the results it produced (rewritten only when this run computed something).
        const commandFile = path.join(s.dir, 'command.txt');
        if (s.computedImages > 0 || !fs.existsSync(commandFile)) {
          writeFileAtomic(commandFile, `npm run reproduce -- ${process.argv.slice(2).join(' ')}\n`);
        }
        console.error(`reproduce: ${spec.name}: ${s.computedImages} images computed, ${s.skippedImages} already done, ` +
          `${s.rows} rows in ${repoRelative(s.dir)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      }
    } finally {
      choice.dispose();
    }
  }
}

runCli('reproduce', main);
