// npm run bench [-- --threads 1,2 --steps 5 --out bench/backend.json --no-torch --no-cpu]
//
// Times (a) one [4,64,64,64] 3x3 conv layer forward + both gradients and (b) one EdgeConnect-style GAN
// training step (see lib/bench/backendBench.ts) on wasm with each thread count, (a) also on the cpu
// backend, and — where Debian's python3-torch is installed — the same networks in PyTorch on CPU in the
// same run (bench/pytorch_edgeconnect_bench.py), then prints a table with our time / PyTorch's time.
// Each measurement runs in its own child process (a process can initialise wasm threads only once);
// PyTorch and our runs are interleaved per thread count, since 2-thread timings here drift 20-30 %.
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { PYTORCH_OMP_WAIT_POLICY, runPytorchTrainStep, torchAvailable, TORCH_MISSING } from '../bench/pytorchReference';
import { writeJsonAtomic } from '../io/atomicWrite';

interface Args {
  threads: number[];
  steps: number;
  out: string;
  torch: boolean;
  cpu: boolean;
  child?: { backend: string; threads: number; what: string[] };
}

function parseArgs(argv: string[]): Args {
  const args: Args = { threads: [1, 2], steps: 5, out: 'bench/backend.json', torch: true, cpu: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench: ${a} needs a value`);
      return v;
    };
    if (a === '--threads') args.threads = next().split(',').map(Number);
    else if (a === '--steps') args.steps = Number(next());
    else if (a === '--out') args.out = next();
    else if (a === '--no-torch') args.torch = false;
    else if (a === '--no-cpu') args.cpu = false;
    else if (a === '--child') {
      const [backend, threads, what] = next().split(':');
      args.child = { backend, threads: Number(threads), what: what.split('+') };
    } else throw new Error(`bench: unknown argument ${a}`);
  }
  if (args.threads.some((t) => !Number.isInteger(t) || t < 1))
    throw new Error('bench: --threads must be positive integers');
  if (!Number.isInteger(args.steps) || args.steps < 1) throw new Error('bench: --steps must be a positive integer');
  return args;
}

async function child(c: NonNullable<Args['child']>, steps: number): Promise<void> {
  const { initBackend } = await import('../backend/index');
  const bench = await import('../bench/backendBench');
  const info = await initBackend({ backend: c.backend as 'wasm' | 'cpu', threads: c.threads, log: false });
  const out: Record<string, unknown> = {
    backend: info.name,
    threads: info.threads,
    native: info.native,
    reasons: info.reasons,
  };
  if (c.what.includes('conv'))
    out.conv = bench.benchConvLayer(c.backend === 'cpu' ? 0 : 2, c.backend === 'cpu' ? 1 : steps);
  if (c.what.includes('gan')) out.gan = bench.benchGanStep(2, steps);
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0); // wasm worker threads would otherwise keep the process alive
}

// biome-ignore lint/suspicious/noExplicitAny: the child's JSON report, read field by field below
function runChild(spec: string, steps: number): Record<string, any> {
  const stdout = execFileSync(
    process.execPath,
    [...process.execArgv, __filename, '--child', spec, '--steps', String(steps)],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, TFJS_BACKEND: '', TFJS_THREADS: '' },
    },
  );
  const line = stdout.trim().split('\n').pop() as string;
  return JSON.parse(line);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) return child(args.child, args.steps);

  const loadAverageAtStart = os.loadavg()[0];
  const torch = args.torch && torchAvailable();
  if (args.torch && !torch) console.log(TORCH_MISSING);
  // biome-ignore lint/suspicious/noExplicitAny: rows of the children's JSON reports
  const rows: Record<string, any>[] = [];
  for (const threads of args.threads) {
    console.log(`measuring wasm, ${threads} thread(s) ...`);
    const ours = runChild(`wasm:${threads}:conv+gan`, args.steps);
    const ref = torch ? runPytorchTrainStep('a', { threads, steps: args.steps, warmup: 2 }) : undefined;
    rows.push({
      backend: ours.native ? 'wasm+native' : 'wasm',
      threads,
      backendReasons: ours.reasons,
      convLayerGflopPerSecond: ours.conv.gflopPerSecond,
      convLayerSeconds: ours.conv.medianSeconds,
      ganStepSeconds: ours.gan.medianSeconds,
      ganStepTimes: ours.gan.times,
      tensorLeakPerStep: (ours.gan.tensorsAfter - ours.gan.tensorsBefore) / args.steps,
      generatorParams: ours.gan.generatorParams,
      pytorchGanStepSeconds: ref?.median_s,
      pytorchGanStepTimes: ref?.times_s,
      pytorchGeneratorParams: ref?.g_params,
      ratioToPytorch: ref ? ours.gan.medianSeconds / ref.median_s : undefined,
    });
  }
  if (args.cpu) {
    console.log('measuring the cpu backend (conv layer only; slow) ...');
    const cpu = runChild('cpu:1:conv', 1);
    rows.push({
      backend: 'cpu',
      threads: 1,
      convLayerGflopPerSecond: cpu.conv.gflopPerSecond,
      convLayerSeconds: cpu.conv.medianSeconds,
    });
  }
  const report = {
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    loadAverageAtStart,
    loadAverageAtEnd: os.loadavg()[0],
    pytorchOmpWaitPolicy: PYTORCH_OMP_WAIT_POLICY,
    convLayer: '[4,64,64,64] 3x3 64->64 same: forward + dx + dW',
    ganStep:
      'G base 32, 8 res blocks, 64x64, batch 4, SN PatchGAN, Adam; ' +
      'hinge + L1 + FM (bench/pytorch_edgeconnect_bench.py config a)',
    rows,
  };
  writeJsonAtomic(args.out, report);
  console.log('\n| backend | threads | conv layer GFLOP/s | GAN step s | PyTorch GAN step s | ours / PyTorch |');
  console.log('|---|---|---|---|---|---|');
  const f = (v: number | undefined, d: number) => (v === undefined ? '–' : v.toFixed(d));
  for (const r of rows) {
    console.log(
      `| ${r.backend} | ${r.threads} | ${f(r.convLayerGflopPerSecond, 2)} | ${f(r.ganStepSeconds, 3)} | ` +
        `${f(r.pytorchGanStepSeconds, 3)} | ${f(r.ratioToPytorch, 2)} |`,
    );
  }
  console.log(`\nwrote ${args.out}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
