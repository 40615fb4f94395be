// npm run export-weights -- RUN [--out DIR]
//
// Exports the generator of a run's latest checkpoint (RUN = a run directory or its ckpt.json, e.g. runs/edge-cpu;
// only read, so a running training is not disturbed) as float16 shipped weights (lib/inpaint/shippedWeights.ts).
//   --out DIR   target folder (default checkpoints/<preset>/<stage> at the repository root)
import { exportGeneratorWeights } from '../inpaint/shippedWeights';
import { repoRelative } from '../io/repoRoot';

function main(argv: string[]): void {
  let run: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') {
      out = argv[++i];
      if (!out) throw new Error('export-weights: --out needs a folder');
    } else if (argv[i].startsWith('--')) throw new Error(`export-weights: unknown option ${argv[i]}`);
    else if (run === undefined) run = argv[i];
    else throw new Error(`export-weights: unexpected argument '${argv[i]}' (one run per call)`);
  }
  if (!run) throw new Error('usage: npm run export-weights -- RUN [--out DIR]   (RUN: a run directory, e.g. runs/edge-cpu)');
  const t0 = Date.now();
  const command = ['npm run export-weights --', repoRelative(run), ...(out ? ['--out', repoRelative(out)] : [])].join(' ');
  const { file, manifest, rounding } = exportGeneratorWeights(run, { out, command });
  const t = manifest.training;
  console.log(`export-weights: ${manifest.stage} generator of ${manifest.source.checkpoint} (step ${manifest.source.step}, ${manifest.preset} preset) -> ` +
    `${repoRelative(file)} + ${manifest.bin}: ${manifest.tensors.length} tensors, ${(manifest.byteLength / 1024).toFixed(0)} kB float16, ` +
    `rounding: relative error <= ${rounding.maxRelativeError.toExponential(2)} (normal range), ` +
    `${rounding.belowNormal} weights below 2^-14 with abs error <= ${rounding.maxAbsErrorBelowNormal.toExponential(2)}; trained ${t.steps} steps in ${(t.wallSeconds / 60).toFixed(1)} min; ` +
    `final losses (mean of steps ${t.lossSteps[0]}-${t.lossSteps[1]}) ${Object.entries(t.finalLosses).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}; ` +
    `${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
