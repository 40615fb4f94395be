// npm run reproduce -- [--preset tiny|cpu|paper] [--only table1[,...]] [--inpainter telea[,meanFill]] [--results DIR]
//
// Runs the named experiments (lib/eval/experiments.ts) for each inpainter and writes results/<experiment>/
// (per-image rows, per-bucket aggregates). Resumable: re-running skips finished images; a changed spec under the
// same name is refused. Defaults: --preset tiny, every experiment, inpainters telea and meanFill.
// Figures and tables are rebuilt from results/ by `npm run figures`.
import { EXPERIMENTS, resolveInpainter } from '../eval/experiments';
import { runExperiment } from '../eval/experiment';
import { CLASSICAL_INPAINTERS } from '../inpaint/inpainter';

function parseArgs(argv: string[]): { preset: string; only: string[]; inpainters: string[]; results?: string } {
  const o: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
    const v = argv[++i];
    if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
    o[a.slice(2)] = v;
  }
  for (const k of Object.keys(o)) if (!['preset', 'only', 'inpainter', 'results'].includes(k)) throw new Error(`unknown option --${k}`);
  const only = o.only ? o.only.split(',') : Object.keys(EXPERIMENTS);
  for (const e of only) if (!EXPERIMENTS[e]) throw new Error(`unknown experiment '${e}' (expected ${Object.keys(EXPERIMENTS).join(', ')})`);
  const inpainters = o.inpainter ? o.inpainter.split(',') : Object.keys(CLASSICAL_INPAINTERS);
  inpainters.forEach(resolveInpainter); // fail before any work on an unknown name
  return { preset: o.preset ?? 'tiny', only, inpainters, results: o.results };
}

async function main(): Promise<void> {
  const { preset, only, inpainters, results } = parseArgs(process.argv.slice(2));
  for (const experiment of only) {
    for (const name of inpainters) {
      const spec = EXPERIMENTS[experiment](preset, name);
      const t0 = Date.now();
      const s = await runExperiment(spec, { inpainter: resolveInpainter(name), resultsDir: results });
      console.error(`reproduce: ${spec.name}: ${s.computedImages} images computed, ${s.skippedImages} already done, ` +
        `${s.rows} rows in ${s.dir} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`reproduce: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  },
);
