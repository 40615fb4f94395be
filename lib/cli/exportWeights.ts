// npm run export-weights -- RUN [--out DIR]   (RUN: an inpainter stage run, or a joint run: all four networks)
//
// Exports the generator of a run's latest checkpoint (RUN = a run directory or its ckpt.json, e.g. runs/edge-cpu;
// only read, so a running training is not disturbed) as float16 shipped weights (lib/io/shippedWeights.ts).
// --out (default checkpoints/<preset>/<stage> at the repository root) may hold an earlier export of the same stage,
// nothing else.
import { exportGeneratorWeights } from '../io/shippedWeights';
import { repoRelative } from '../io/repoRoot';
import { type CliSpec, parseCli, runCli } from './args';

const EXPORT_CLI: CliSpec = {
  name: 'export-weights',
  usage: 'RUN [--out DIR]',
  summary: "Exports the generator of a run's latest checkpoint as float16 weights with their provenance.",
  positionals: 'RUN: a run directory (e.g. runs/edge-cpu) or its ckpt.json; one per call',
  options: { out: { type: 'string', value: 'DIR', help: 'target folder (default checkpoints/<preset>/<stage>)' } },
};

runCli('export-weights', () => {
  const parsed = parseCli(EXPORT_CLI, process.argv.slice(2));
  if (!parsed) return;
  const out = parsed.values.out as string | undefined;
  const [run, ...extra] = parsed.positionals;
  if (!run)
    throw new Error(
      'give the run to export: npm run export-weights -- RUN [--out DIR] (RUN: a run directory, e.g. runs/edge-cpu)',
    );
  if (extra.length) throw new Error(`unexpected argument '${extra[0]}' (one run per call)`);
  const t0 = Date.now();
  const command = ['npm run export-weights --', repoRelative(run), ...(out ? ['--out', repoRelative(out)] : [])].join(
    ' ',
  );
  const { file, manifest, rounding } = exportGeneratorWeights(run, { out, command });
  const t = manifest.training;
  console.log(
    `export-weights: ${manifest.stage} generator of ${manifest.source.checkpoint} ` +
      `(step ${manifest.source.step}, ${manifest.preset} preset) -> ${repoRelative(file)} + ${manifest.bin}: ` +
      `${manifest.tensors.length} tensors, ${(manifest.byteLength / 1024).toFixed(0)} kB float16, ` +
      `rounding: relative error <= ${rounding.maxRelativeError.toExponential(2)} (normal range), ` +
      `${rounding.belowNormal} weights below 2^-14 with abs error <= ` +
      `${rounding.maxAbsErrorBelowNormal.toExponential(2)}; ` +
      `trained ${t.steps} steps in ${(t.wallSeconds / 60).toFixed(1)} min; ` +
      `final losses (mean of steps ${t.lossSteps[0]}-${t.lossSteps[1]}) ${Object.entries(t.finalLosses)
        .map(([k, v]) => `${k} ${v.toFixed(4)}`)
        .join(', ')}; ` +
      `${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
});
