// npx tsx lib/cli/bench-train.ts [--preset cpu] [--threads 2] [--steps 3] [--stages edge,seg,image,segmenter,joint]
//                               [--out bench/train.json] [--width W --blocks N]   (width/blocks: try another architecture)
// Seconds per training step of each stage (data generation + one G/D step), median of --steps steps after one
// warm-up step, on the backend initBackend picks (wasm here). Writes the figures to --out (atomically).
import * as os from 'os';
import { initBackend } from '../backend/index';
import { getPreset, STAGES, StageName, Preset } from '../config/presets';
import { buildStage } from '../train/stages';
import { Adam } from '../train/adam';
import { makeBatch, disposeBatch } from '../train/batches';
import { trainStep } from '../train/trainStep';
import { writeJsonAtomic } from '../io/atomicWrite';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function benchStage(stage: StageName, p: Preset, steps: number) {
  const model = buildStage(stage, p, { mel: true, alpha: p.weights.alpha, imageLoss: p.imageLoss, l1Per: p.l1Per });
  const gen = new Adam(model.generatorTrainable, { lr: 1e-6, beta1: 0, beta2: 0.9 });
  const critics = model.critics.map((c) => new Adam(c.D.params.trainable, { lr: 1e-7, beta1: 0, beta2: 0.9 }));
  const data = { size: p.architecture.size, batch: p.batch, pairs: p.pairs, dataSeed: p.dataSeed, masks: 'object' as const, cannySigma: p.cannySigma };
  const total: number[] = [];
  const dataTimes: number[] = [];
  for (let s = 0; s <= steps; s++) {
    const t0 = performance.now();
    const batch = makeBatch(s, data);
    const t1 = performance.now();
    trainStep(model, { generator: gen, critics }, batch);
    disposeBatch(batch);
    if (s > 0) { // step 0 is the warm-up
      total.push((performance.now() - t0) / 1000);
      dataTimes.push((t1 - t0) / 1000);
    }
  }
  model.dispose();
  [gen, ...critics].forEach((a) => a.dispose());
  return { secondsPerStep: median(total), dataSecondsPerStep: median(dataTimes), times: total };
}

async function main(): Promise<void> {
  const base = getPreset(arg('preset', 'cpu'));
  const width = Number(arg('width', String(base.architecture.inpainterWidth)));
  const blocks = Number(arg('blocks', String(base.architecture.numResBlocks)));
  const preset: Preset = {
    ...base,
    architecture: { ...base.architecture, inpainterWidth: width, numResBlocks: blocks, discriminatorWidth: width, segmenterWidth: width },
  };
  const threads = Number(arg('threads', '2'));
  const steps = Number(arg('steps', '3'));
  const stages = arg('stages', STAGES.join(',')).split(',') as StageName[];
  const info = await initBackend({ threads });
  const results: Record<string, unknown> = {};
  for (const stage of stages) {
    if (!STAGES.includes(stage)) throw new Error(`bench-train: unknown stage '${stage}'`);
    const r = benchStage(stage, preset, steps);
    results[stage] = r;
    const stepsDefault = preset.steps[stage];
    console.log(`${stage.padEnd(9)} ${r.secondsPerStep.toFixed(3)} s/step (data ${r.dataSecondsPerStep.toFixed(3)} s); ` +
      `${stepsDefault} steps ~ ${((r.secondsPerStep * stepsDefault) / 3600).toFixed(1)} h`);
  }
  writeJsonAtomic(arg('out', 'bench/train.json'), {
    what: 'seconds per training step (batch generation + G step + D steps), median after one warm-up step',
    preset: preset.name, architecture: preset.architecture, batch: preset.batch, backend: info.name, threads: info.threads,
    cpu: os.cpus()[0]?.model, loadAverageAtEnd: os.loadavg()[0], date: new Date().toISOString().slice(0, 10), steps, stages: results,
  });
}

main().then(() => process.exit(0), (e) => {
  console.error(`bench-train: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
