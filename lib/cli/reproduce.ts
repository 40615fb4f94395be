// npm run reproduce -- [--preset tiny|cpu|paper] [--only table1[,...]] [--inpainter telea[,meanFill,edgeconnect]]
//                      [--checkpoints edge=DIR,seg=DIR,image=DIR] [--results DIR] [--backend wasm|cpu|...] [--threads N]
//
// Runs the named experiments (lib/eval/experiments.ts) for each inpainter and writes results/<experiment>/
// (per-image rows, per-bucket aggregates). Resumable: re-running skips finished images; a changed spec under the
// same name is refused. Defaults: --preset tiny, every experiment, inpainters telea and meanFill, plus edgeconnect
// when --checkpoints is given. edgeconnect is the learned pipeline (lib/inpaint/edgeConnect.ts): DIR is a training
// run directory or its ckpt.json; the checkpoints must be of the test set's resolution.
// Figures and tables are rebuilt from results/ by `npm run figures`.
import { initBackend, BackendName } from '../backend/index';
import { EXPERIMENTS, evalPreset, loadInpainter, resolveInpainter } from '../eval/experiments';
import { runExperiment } from '../eval/experiment';
import { CLASSICAL_INPAINTERS, LEARNED_INPAINTER } from '../inpaint/inpainter';
import { CheckpointPaths } from '../inpaint/learnedInpainters';
import { parseCheckpointsArg } from './checkpointsArg';
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../io/atomicWrite';
import { repoRelative } from '../io/repoRoot';

interface Args {
  preset: string;
  only: string[];
  inpainters: string[];
  checkpoints?: CheckpointPaths;
  results?: string;
  backend?: BackendName;
  threads?: number;
}

function parseArgs(argv: string[]): Args {
  const o: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
    const v = argv[++i];
    if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
    o[a.slice(2)] = v;
  }
  const known = ['preset', 'only', 'inpainter', 'checkpoints', 'results', 'backend', 'threads'];
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new Error(`unknown option --${k}`);
  const only = o.only ? o.only.split(',') : Object.keys(EXPERIMENTS);
  for (const e of only) if (!EXPERIMENTS[e]) throw new Error(`unknown experiment '${e}' (expected ${Object.keys(EXPERIMENTS).join(', ')})`);
  const checkpoints = o.checkpoints ? parseCheckpointsArg(o.checkpoints) as CheckpointPaths : undefined;
  const inpainters = o.inpainter ? o.inpainter.split(',') : [...Object.keys(CLASSICAL_INPAINTERS), ...(checkpoints ? [LEARNED_INPAINTER] : [])];
  // fail before any work on an unknown name or a learned inpainter without weights
  for (const name of inpainters) {
    if (name === LEARNED_INPAINTER && !checkpoints) throw new Error(`--inpainter ${LEARNED_INPAINTER} needs --checkpoints edge=DIR,seg=DIR,image=DIR`);
    if (name !== LEARNED_INPAINTER) resolveInpainter(name);
  }
  const threads = o.threads === undefined ? undefined : Number(o.threads);
  return { preset: o.preset ?? 'tiny', only, inpainters, checkpoints, results: o.results, backend: o.backend as BackendName | undefined, threads };
}

async function main(): Promise<void> {
  const { preset, only, inpainters, checkpoints, results, backend, threads } = parseArgs(process.argv.slice(2));
  const { size } = evalPreset(preset);
  if (inpainters.includes(LEARNED_INPAINTER)) await initBackend({ backend, threads });
  for (const name of inpainters) {
    const choice = loadInpainter(name, { size, checkpoints });
    try {
      for (const experiment of only) {
        const spec = EXPERIMENTS[experiment](preset, name, choice.checkpoints);
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

main().then(
  () => process.exit(0), // wasm worker threads: exit explicitly
  (e) => {
    console.error(`reproduce: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  },
);
