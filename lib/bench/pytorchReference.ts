// The PyTorch-on-CPU reference of the benchmarks: bench/pytorch_edgeconnect_bench.py run by Debian's python3 (where
// python3-torch is installed; the project never needs it). `npm run bench` times its config 'a' (width 32, 8 blocks),
// `npm run bench:train` its config 't' at a preset's image-inpainter architecture.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoPath } from '../io/repoRoot';

const PYTHON = '/usr/bin/python3';

export const TORCH_MISSING = `PyTorch not found (${PYTHON} -c "import torch" failed): skipping the PyTorch comparison.`;

export function torchAvailable(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The script's training config 't': generator base width C (also the D width), image size H, batch B,
 *  residual blocks n_res, generator input channels in_ch (masked RGB, in_ch - 4 random channels, mask). */
export interface TorchTrainConfig {
  C: number;
  H: number;
  B: number;
  n_res: number;
  in_ch: number;
}

/** One result row of the script (seconds, parameter counts as sum(p.numel() for p in parameters())). */
export interface TorchResult {
  torchVersion: string;
  config: string;
  median_s: number;
  times_s: number[];
  g_params: number;
  d_params: number;
  [key: string]: unknown;
}

/** PyTorch's OpenMP waits as ours (lib/backend/native.ts): with its default spinning, 2-thread PyTorch steps took
 *  3.6 s instead of 0.14 s while other processes used the cores, and the ratio measured only the load. */
export const PYTORCH_OMP_WAIT_POLICY = process.env.OMP_WAIT_POLICY || 'passive';

/** Times one training step of a named config ('a', 'b', 'c') or of a given training config, median of `steps`
 *  steps after `warmup`, with `threads` torch threads (OpenBLAS pinned to 1, the script's default). */
export function runPytorchTrainStep(
  config: 'a' | 'b' | 'c' | TorchTrainConfig,
  { threads, steps, warmup }: { threads: number; steps: number; warmup: number },
): TorchResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-torch-'));
  const file = path.join(dir, 'out.json');
  const which = typeof config === 'string' ? ['--configs', config] : ['--train-config', JSON.stringify(config)];
  try {
    execFileSync(
      PYTHON,
      [
        repoPath('bench', 'pytorch_edgeconnect_bench.py'),
        ...which,
        '--threads',
        String(threads),
        '--steps',
        String(steps),
        '--warmup',
        String(warmup),
        '--out',
        file,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, OMP_WAIT_POLICY: PYTORCH_OMP_WAIT_POLICY } },
    );
    const result = JSON.parse(fs.readFileSync(file, 'utf8'));
    return { torchVersion: result.meta.torch_version, ...result.results[0] };
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(
      `PyTorch reference failed${stderr ? `: ${stderr.split('\n').pop()}` : `: ${(e as Error).message}`}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
