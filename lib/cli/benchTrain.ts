// npm run bench:train -- [--preset cpu] [--threads 2] [--steps 3] [--stages edge,seg,image,segmenter,joint]
//                         [--out bench/train.json] [--width W --blocks N --size S] [--no-torch] [--profile]
//                         [--segmenter pretrained|scratch]
//   (width/blocks: try another architecture; it sets the discriminators' width too; size: image side in pixels)
// Seconds per training step of each stage (waiting for the batch, which a worker thread makes one step ahead as in
// training, + one G/D step), median of --steps steps after one
// warm-up step, on the backend initBackend picks (wasm here), in wall time and in the process's CPU time (all its
// threads; on a machine loaded by other work it moves much less than the wall time). For the image stage, where
// Debian's python3-torch is installed (and unless --no-torch), the same run also times PyTorch on CPU training the
// same architecture (bench/pytorch_edgeconnect_bench.py config t, same threads and steps) and records ours /
// PyTorch's seconds per step. The segmenter and joint stages use the segmenter a training run would
// (DEFAULT_SEGMENTER: the pretrained MediaPipe one at the cpu preset) unless --segmenter says otherwise. --profile
// adds each stage's kernel times over one more step (tf.profile). --out holds one entry per configuration (preset,
// size, threads, native or not, a non-default segmenter): a run replaces the stages it measured in its entry and
// keeps the other stages and entries (written atomically).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index';
import { DATA_MIXES, getPreset, STAGES, type StageName, type Preset } from '../config/presets';
import { buildStage, DEFAULT_SEGMENTER, SEGMENTER_KINDS, type SegmenterKind } from '../train/stages';
import { Adam } from '../train/adam';
import { disposeBatch } from '../train/batches';
import { BatchPrefetcher } from '../train/batchPrefetch';
import { trainStep } from '../train/trainStep';
import { writeJsonAtomic } from '../io/atomicWrite';
import { repoRoot } from '../io/repoRoot';
import { choiceArg, type CliSpec, integerArg, listArg, parseCli, runCli } from './args';
import {
  PYTORCH_OMP_WAIT_POLICY,
  runPytorchTrainStep,
  torchAvailable,
  TORCH_MISSING,
  type TorchResult,
} from '../bench/pytorchReference';

const CLI: CliSpec = {
  name: 'bench:train',
  usage: '[options]',
  summary: "Seconds per training step of each stage; PyTorch training the image stage's architecture in the same run.",
  options: {
    preset: { type: 'string', value: 'NAME', help: 'preset (default cpu)' },
    threads: { type: 'string', value: 'N', help: 'threads (default 2)' },
    steps: { type: 'string', value: 'N', help: 'timed steps after one warm-up step (default 3)' },
    stages: { type: 'string', value: 'LIST', help: `stages, comma-separated (default ${STAGES.join(',')})` },
    out: { type: 'string', value: 'FILE', help: 'JSON file, one entry per configuration (default bench/train.json)' },
    width: { type: 'string', value: 'W', help: "inpainter and discriminator width (default: the preset's)" },
    blocks: { type: 'string', value: 'N', help: "residual blocks (default: the preset's)" },
    size: { type: 'string', value: 'S', help: "image side in pixels, a multiple of 4, >= 32 (default: the preset's)" },
    'no-torch': { type: 'boolean', help: 'skip PyTorch' },
    profile: { type: 'boolean', help: 'also record the kernel times of one more step (tf.profile)' },
    segmenter: {
      type: 'string',
      value: SEGMENTER_KINDS.join('|'),
      help: 'segmenter and joint stages: which segmenter (default: the one a run at the preset uses)',
    },
  },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface KernelTime {
  name: string;
  ms: number;
  calls: number;
}

/** Kernel time per kernel name over one training step (tf.profile), largest first. */
async function profileStep(step: () => void): Promise<{ kernelMs: number; kernels: KernelTime[] }> {
  const info = await tf.profile(step);
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += Number(k.kernelTimeMs) || 0;
    e.calls++;
    byName.set(k.name, e);
  }
  const kernels = [...byName].map(([name, e]) => ({ name, ms: +e.ms.toFixed(2), calls: e.calls }));
  kernels.sort((a, b) => b.ms - a.ms);
  return { kernelMs: +kernels.reduce((t, k) => t + k.ms, 0).toFixed(1), kernels };
}

async function benchStage(stage: StageName, p: Preset, steps: number, profile: boolean, segmenter: SegmenterKind) {
  const model = buildStage(stage, p, {
    mel: true,
    alpha: p.weights.alpha,
    imageLoss: p.imageLoss,
    l1Per: p.l1Per,
    segmenter,
  });
  const gen = new Adam(model.generatorTrainable, { lr: 1e-6, beta1: 0, beta2: 0.9 });
  const critics = model.critics.map((c) => new Adam(c.D.params.trainable, { lr: 1e-7, beta1: 0, beta2: 0.9 }));
  const data = {
    size: p.architecture.size,
    batch: p.batch,
    pairs: p.pairs,
    dataSeed: p.dataSeed,
    masks: 'object' as const,
    cannySigma: p.cannySigma,
  };
  // batches made one step ahead on a worker thread, as in training (lib/train/batchPrefetch.ts); a warm-up step,
  // the timed steps, and the profiled one
  const batches = BatchPrefetcher.start(data, DATA_MIXES.procedural, profile ? steps + 2 : steps + 1);
  const total: number[] = [];
  const cpuTimes: number[] = []; // user + system CPU seconds of this process: less disturbed by other work's load
  const dataTimes: number[] = [];
  let profiled: Awaited<ReturnType<typeof profileStep>> | undefined;
  try {
    for (let s = 0; s <= steps; s++) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const batch = await batches.take(s);
      const t1 = performance.now();
      trainStep(model, { generator: gen, critics }, batch);
      disposeBatch(batch);
      if (s > 0) {
        // step 0 is the warm-up
        total.push((performance.now() - t0) / 1000);
        const cpu = process.cpuUsage(cpu0);
        cpuTimes.push((cpu.user + cpu.system) / 1e6);
        dataTimes.push((t1 - t0) / 1000);
      }
    }
    if (profile) {
      const last = await batches.take(steps + 1);
      profiled = await profileStep(() => trainStep(model, { generator: gen, critics }, last));
      disposeBatch(last);
    }
  } finally {
    batches.close();
  }
  let generatorParams = 0; // the updated generator-side networks (image stage: the image inpainter's generator)
  for (const v of model.generatorTrainable.values()) generatorParams += v.size;
  model.dispose();
  [gen, ...critics].forEach((a) => a.dispose());
  const trainTimes = total.map((t, i) => t - dataTimes[i]); // PyTorch's figure: one fixed batch, no data generation
  return {
    secondsPerStep: median(total),
    cpuSecondsPerStep: median(cpuTimes),
    dataSecondsPerStep: median(dataTimes),
    trainSecondsPerStep: median(trainTimes),
    times: total,
    generatorParams,
    ...(profiled ? { profile: profiled } : {}),
  };
}

/** PyTorch training the image stage's networks: the image inpainter's generator ([RGB, edges, K class
 *  probabilities, mask] -> RGB) and the image discriminator (width = inpainterWidth here, see main). */
function benchImageStageInPytorch(p: Preset, threads: number, steps: number): TorchResult {
  const a = p.architecture;
  const config = { C: a.inpainterWidth, H: a.size, B: p.batch, n_res: a.numResBlocks, in_ch: 3 + 1 + a.numClasses + 1 };
  return runPytorchTrainStep(config, { threads, steps, warmup: 1 });
}

async function main(): Promise<void> {
  const cli = parseCli(CLI, process.argv.slice(2));
  if (!cli) return;
  const o = cli.values as Record<string, string | undefined>;
  const base = getPreset(o.preset ?? 'cpu');
  const width = integerArg('width', o.width) ?? base.architecture.inpainterWidth;
  const blocks = integerArg('blocks', o.blocks) ?? base.architecture.numResBlocks;
  const size = integerArg('size', o.size, 32) ?? base.architecture.size;
  if (size % 4 !== 0) throw new Error(`--size must be a multiple of 4 and >= 32, got ${size}`);
  const preset: Preset = {
    ...base,
    architecture: {
      ...base.architecture,
      size,
      inpainterWidth: width,
      numResBlocks: blocks,
      discriminatorWidth: width,
      segmenterWidth: width,
    },
  };
  const segmenter = choiceArg('segmenter', o.segmenter, SEGMENTER_KINDS) ?? DEFAULT_SEGMENTER[preset.name];
  const threads = integerArg('threads', o.threads) ?? 2;
  const steps = integerArg('steps', o.steps) ?? 3;
  const stages = (listArg('stages', o.stages) ?? [...STAGES]) as StageName[];
  for (const stage of stages) if (!STAGES.includes(stage)) throw new Error(`--stages: unknown stage '${stage}'`);
  const wantTorch = stages.includes('image') && !cli.values['no-torch'];
  const torch = wantTorch && torchAvailable();
  if (wantTorch && !torch) console.log(TORCH_MISSING);
  const loadAverageAtStart = os.loadavg()[0];
  const info = await initBackend({ threads });
  const results: Record<string, unknown> = {};
  let pytorchReference: string | undefined;
  for (const stage of stages) {
    const r = await benchStage(stage, preset, steps, Boolean(cli.values.profile), segmenter);
    const stepsDefault = preset.steps[stage];
    console.log(
      `${stage.padEnd(9)} ${r.secondsPerStep.toFixed(3)} s/step (CPU ${r.cpuSecondsPerStep.toFixed(3)} s, ` +
        `data ${r.dataSecondsPerStep.toFixed(3)} s); ` +
        `${stepsDefault} steps ~ ${((r.secondsPerStep * stepsDefault) / 3600).toFixed(1)} h`,
    );
    if (stage === 'image' && torch) {
      const ref = benchImageStageInPytorch(preset, info.threads, steps);
      results[stage] = {
        ...r,
        pytorchSecondsPerStep: ref.median_s,
        pytorchTimes: ref.times_s,
        pytorchGeneratorParams: ref.g_params,
        ratioToPytorch: r.secondsPerStep / ref.median_s,
        ratioToPytorchWithoutData: r.trainSecondsPerStep / ref.median_s,
      };
      pytorchReference =
        `PyTorch ${ref.torchVersion} on CPU (${info.threads} thread(s), OpenBLAS 1, ` +
        `OMP_WAIT_POLICY=${PYTORCH_OMP_WAIT_POLICY} as ours), ` +
        `bench/pytorch_edgeconnect_bench.py ${ref.config}: the image inpainter's generator and an SN PatchGAN ` +
        'discriminator of the same width, Adam, loss hinge + L1 + feature matching, median of as many steps after ' +
        'one warm-up step, one fixed random batch. Ours (stages.image) does slightly more: it also computes a Gram ' +
        'style loss on the discriminator features and composites the output before the losses, and its ' +
        'secondsPerStep includes waiting for the batch, made one step ahead on a worker thread as in training ' +
        '(dataSecondsPerStep).';
      console.log(
        `${''.padEnd(9)} PyTorch ${ref.median_s.toFixed(3)} s/step, same architecture and threads: ` +
          `ours / PyTorch = ${(r.secondsPerStep / ref.median_s).toFixed(2)}, without our batch generation ` +
          `${(r.trainSecondsPerStep / ref.median_s).toFixed(2)} (generator params: ours ${r.generatorParams}, ` +
          `PyTorch ${ref.g_params})`,
      );
    } else results[stage] = r;
  }
  const out = o.out ?? 'bench/train.json';
  const kernels = info.native ? 'wasm + native oneDNN' : info.name;
  const key =
    `${preset.name} ${size}x${size}, ${info.threads} thread(s), ${kernels}` +
    (segmenter !== DEFAULT_SEGMENTER[preset.name] ? `, ${segmenter} segmenter` : '');
  // A run replaces the stages it measured in its configuration's entry and keeps the others: each stage says how,
  // when and on which CPU it was measured.
  const measured = {
    command: `npm run bench:train -- ${process.argv.slice(2).join(' ')}`.trim(),
    date: new Date().toISOString().slice(0, 10),
    steps,
    loadAverageAtStart,
    loadAverageAtEnd: os.loadavg()[0],
    cpu: os.cpus()[0]?.model,
    backendReasons: info.reasons.map((r) => r.split(repoRoot()).join('.')), // no machine paths in the record
  };
  for (const stage of Object.keys(results)) {
    const usesIt = stage === 'segmenter' || stage === 'joint';
    results[stage] = { ...(results[stage] as object), measured: { ...measured, ...(usesIt ? { segmenter } : {}) } };
  }
  const runs = previousRuns(out);
  const previous = (runs[key] ?? {}) as { stages?: Record<string, unknown>; pytorchReference?: string };
  const torchNote = pytorchReference ?? previous.pytorchReference;
  runs[key] = {
    preset: preset.name,
    architecture: preset.architecture,
    batch: preset.batch,
    backend: info.name,
    threads: info.threads,
    native: info.native,
    ...(torchNote ? { pytorchReference: torchNote } : {}),
    stages: { ...previous.stages, ...results },
  };
  writeJsonAtomic(out, {
    what:
      'seconds per training step (waiting for the batch made one step ahead + G step + D steps), median after one ' +
      'warm-up step; ' +
      'one entry per configuration, each stage with the command, date, CPU and load average it was measured with',
    runs,
  });
}

/** The entries of an earlier --out file (none if it is absent or in another format). */
function previousRuns(file: string): Record<string, unknown> {
  if (!fs.existsSync(file)) return {};
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  return typeof json.runs === 'object' && json.runs ? json.runs : {};
}

runCli('bench:train', main);
