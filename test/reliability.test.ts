// Reliability (issue 13): nothing a user does loses a run, and bad input gets one clear line. Each test is the
// regression test of one found failure: the run lock under concurrent processes, the manifest validator, the
// output-folder check of average/export/train, resume on another backend or without the loss log, alpha and MEL
// from one source, what readMask accepts, figures from unfinished experiments, a full disk, the CLI conventions.
// Training runs are the tiny preset on wasm with 1 thread (a joint step takes about a second); the backend a run
// records is given explicitly, so the resume checks do not depend on the machine's native kernels.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawn, spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/index';
import { PRESETS, DATA_MIXES } from '../lib/config/presets';
import { runTraining, type RunOptions, type RunMeta } from '../lib/train/loop';
import { saveCheckpoint, loadCheckpoint } from '../lib/train/checkpoint';
import { averageCheckpoints } from '../lib/train/averageCheckpoints';
import { lockRunDir } from '../lib/train/runLock';
import { readLossLog } from '../lib/train/log';
import { exportGeneratorWeights, loadShippedWeights } from '../lib/io/shippedWeights';
import { readImage, readMask } from '../lib/image/io';
import { parseTrainArgs } from '../lib/cli/train';
import { integerArg, numberArg, listArg } from '../lib/cli/args';
import { buildFigures, drawableExperiments } from '../lib/cli/figures';
import type { LoadedExperiment } from '../lib/eval/experiment';

const tiny = PRESETS.tiny;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-'));
const WASM_PLAIN = { name: 'wasm', native: false };
const run = (o: Omit<RunOptions, 'preset'>) =>
  runTraining({ preset: tiny, progress: false, backend: WASM_PLAIN, ...o });
const ROOT = path.join(__dirname, '..');

before(async () => {
  process.env.TFJS_NATIVE = '0'; // the committed runs were computed without native kernels
  await initBackend({ backend: 'wasm', threads: 1, log: false });
});

// --- the run lock --------------------------------------------------------------------------------------------

test("run lock: a live owner is refused, a dead one taken over, release leaves another owner's lock alone", () => {
  const dir = tmp();
  const lock = path.join(dir, 'lock');
  fs.writeFileSync(lock, String(process.ppid)); // a live process
  assert.throws(() => lockRunDir(dir), new RegExp(`in use by another training process \\(pid ${process.ppid}`));
  const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']).stdout.toString().trim();
  fs.writeFileSync(lock, dead);
  const release = lockRunDir(dir);
  assert.equal(fs.readFileSync(lock, 'utf8'), String(process.pid));
  fs.writeFileSync(lock, String(process.ppid)); // another process owns it now
  release();
  assert.equal(fs.readFileSync(lock, 'utf8'), String(process.ppid), 'release deleted a lock it does not own');
  fs.writeFileSync(lock, '');
  assert.throws(() => lockRunDir(dir), /does not hold a process id/);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['lock']);
});

test('run lock: 4 processes x 40 same-moment acquisitions, some of a stale lock: never two holders', async () => {
  const dir = tmp();
  const holder = path.join(dir, 'holder');
  const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']).stdout.toString().trim();
  const start = Date.now() + 3000;
  const child = `
    const fs = require('fs');
    const { lockRunDir } = require(${JSON.stringify(path.join(ROOT, 'lib/train/runLock.ts'))});
    let held = 0, double = 0;
    const unexpected = [];
    while (Date.now() < ${start}) {}
    for (let i = 0; i < 40; i++) {
      if (i % 10 === 0) { // a killed run's lock, put in place whole (hard link) as lockRunDir itself does
        const seed = ${JSON.stringify(path.join(dir, 'seed'))} + process.pid;
        fs.writeFileSync(seed, '${dead}');
        try { fs.linkSync(seed, ${JSON.stringify(path.join(dir, 'lock'))}); } catch {}
        fs.rmSync(seed);
      }
      let release;
      const t0 = Date.now();
      while (!release && Date.now() - t0 < 2000) try { release = lockRunDir(${JSON.stringify(dir)}); } catch (e) {
        if (!/in use by another|being taken over/.test(e.message)) unexpected.push(e.message);
      }
      if (!release) continue;
      held++;
      try { fs.writeFileSync(${JSON.stringify(holder)}, 'x', { flag: 'wx' }); } catch { double++; }
      const t = Date.now(); while (Date.now() - t < 1) {}
      fs.rmSync(${JSON.stringify(holder)}, { force: true });
      release();
    }
    console.log(JSON.stringify({ held, double, unexpected: unexpected.slice(0, 2) }));`;
  type Outcome = { held: number; double: number; unexpected: string[] };
  const results = await Promise.all(
    [0, 1, 2, 3].map(
      () =>
        new Promise<Outcome>((resolve, reject) => {
          const p = spawn(process.execPath, ['--import', 'tsx', '-e', child], { cwd: ROOT });
          let out = '';
          p.stdout.on('data', (d) => (out += d));
          p.stderr.on('data', (d) => (out += d));
          p.on('close', (code) =>
            code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(out)),
          );
        }),
    ),
  );
  const held = results.reduce((s, r) => s + r.held, 0);
  const double = results.reduce((s, r) => s + r.double, 0);
  assert.equal(double, 0, `${double} double holds in ${held} acquisitions`);
  assert.deepEqual(
    results.flatMap((r) => r.unexpected),
    [],
  );
  assert.ok(held >= 120, `only ${held} of 160 acquisitions`);
});

// --- checkpoints: the manifest validator ---------------------------------------------------------------------

function fakeCheckpoint(dir: string, stage: string, step: number, names: string[], seed = 1): string {
  const tensors = new Map<string, tf.Tensor>(
    names.map((n, k) => [n, tf.randomUniform([2, 3], 0, 1, 'float32', seed + k)]),
  );
  const meta = {
    stage,
    preset: 'tiny',
    architecture: tiny.architecture,
    settings: { cannySigma: tiny.cannySigma },
    step,
    init: [],
  };
  const file = saveCheckpoint(dir, step, meta, tensors);
  tf.dispose([...tensors.values()]);
  fs.writeFileSync(
    path.join(dir, 'log.jsonl'),
    Array.from({ length: step }, (_, i) => `${JSON.stringify({ step: i + 1, seconds: 0.1, losses: { l: i } })}\n`).join(
      '',
    ),
  );
  return file;
}

const editManifest = (file: string, edit: (m: any) => void) => {
  // eslint-disable-line @typescript-eslint/no-explicit-any
  const m = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(m);
  fs.writeFileSync(file, JSON.stringify(m));
};

test(
  'manifest validator: ' +
    'swapped offsets, a tensor outside the file, no tensor table are refused with the file named',
  () => {
    const dir = tmp();
    const file = fakeCheckpoint(dir, 'edge', 2, ['model.edge.a', 'model.edge.b']);
    const good = fs.readFileSync(file, 'utf8');
    const a = loadCheckpoint(dir).tensors.get('model.edge.a')!.values;
    editManifest(
      file,
      (m) => ([m.tensors[0].offset, m.tensors[1].offset] = [m.tensors[1].offset, m.tensors[0].offset]),
    );
    assert.throws(
      () => loadCheckpoint(dir),
      new RegExp(`${file.replace(/[.]/g, '\\.')} is corrupt: tensor 'model.edge.a' starts at byte 24, expected 0`),
    );
    fs.writeFileSync(file, good);
    editManifest(file, (m) => (m.tensors[1].offset = 1000));
    assert.throws(() => loadCheckpoint(dir), /is corrupt: tensor 'model.edge.b' starts at byte 1000/);
    fs.writeFileSync(file, good);
    editManifest(file, (m) => delete m.tensors);
    assert.throws(() => loadCheckpoint(dir), /is corrupt: it has no tensor table/);
    fs.writeFileSync(file, good);
    editManifest(file, (m) => (m.tensors[1].shape = [2, 4]));
    assert.throws(() => loadCheckpoint(dir), /its tensors take 56 bytes, the tensor file 48/);
    fs.writeFileSync(file, good);
    assert.deepEqual(loadCheckpoint(dir).tensors.get('model.edge.a')!.values, a);
    // a tensor file where a manifest is expected, and exported weights where a checkpoint is expected
    const bin = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.bin'))!);
    assert.throws(() => loadCheckpoint(bin), /is a tensor file, not a checkpoint manifest: give its folder/);
    const w = path.join(tmp(), 'w');
    exportGeneratorWeights(dir, { out: w, command: 'test' });
    assert.throws(() => loadCheckpoint(w), /holds exported edge weights \(weights\.json\), not a training checkpoint/);
    editManifest(path.join(w, 'weights.json'), (m) => (m.tensors[0].offset = 12));
    assert.throws(
      () => loadShippedWeights(w),
      /weights\.json is corrupt: tensor 'model.edge.a' starts at byte 12, expected 0/,
    );
  },
);

// --- one place refusing to write over a folder holding something else -----------------------------------------

test(
  "average-checkpoints never writes into a run's folder or a source; " + "export never over another part's weights",
  () => {
    const runDir = tmp();
    fakeCheckpoint(runDir, 'image', 8, ['model.image.a']);
    const snaps = [2, 4].map((s, k) => {
      const d = path.join(runDir, 'snapshots', `step-00000${s}`);
      fs.mkdirSync(d, { recursive: true });
      fakeCheckpoint(d, 'image', s, ['model.image.a'], 10 + k);
      return d;
    });
    const before = fs.readFileSync(path.join(runDir, 'ckpt.json'));
    assert.throws(
      () => averageCheckpoints(snaps, runDir),
      /--out .* holds a training run \(ckpt\.json\); choose another folder/,
    );
    assert.throws(() => averageCheckpoints(snaps, snaps[0]), /--out .* is one of the sources/);
    assert.ok(fs.readFileSync(path.join(runDir, 'ckpt.json')).equals(before), "the run's checkpoint was replaced");
    assert.equal(readLossLog(path.join(runDir, 'log.jsonl')).length, 8);
    assert.equal(loadCheckpoint<RunMeta>(snaps[0]).meta.step, 2);
    const file = path.join(tmp(), 'f');
    fs.writeFileSync(file, 'x');
    assert.throws(() => averageCheckpoints(snaps, file), /--out .*f is a file; give a folder/);
    const avg = path.join(tmp(), 'avg');
    averageCheckpoints(snaps, avg);
    averageCheckpoints(snaps, avg); // an earlier average may be replaced
    assert.equal(loadCheckpoint<RunMeta>(avg).meta.averagedFrom!.length, 2);

    const edgeRun = tmp();
    const segRun = tmp();
    fakeCheckpoint(edgeRun, 'edge', 3, ['model.edge.a']);
    fakeCheckpoint(segRun, 'segInpainter', 3, ['model.segInpaint.a']);
    const out = path.join(tmp(), 'edge');
    exportGeneratorWeights(edgeRun, { out, command: 'test' });
    const edgeWeights = fs.readFileSync(path.join(out, 'weights.json'));
    assert.throws(
      () => exportGeneratorWeights(segRun, { out, command: 'test' }),
      /holds exported edge weights; a segInpainter export does not replace them/,
    );
    assert.ok(fs.readFileSync(path.join(out, 'weights.json')).equals(edgeWeights));
    exportGeneratorWeights(edgeRun, { out, command: 'test' }); // the same part again is fine
    assert.throws(() => exportGeneratorWeights(segRun, { out: runDir, command: 'test' }), /holds a training run/);
    const other = tmp();
    fs.writeFileSync(path.join(other, 'notes.txt'), 'mine');
    assert.throws(
      () => exportGeneratorWeights(segRun, { out: other, command: 'test' }),
      /holds other files \(notes\.txt\)/,
    );
  },
);

test('export refuses a loss log that does not cover every step (a resume after log.jsonl was deleted)', () => {
  const dir = tmp();
  fakeCheckpoint(dir, 'edge', 6, ['model.edge.a']);
  const log = path.join(dir, 'log.jsonl');
  fs.writeFileSync(log, fs.readFileSync(log, 'utf8').split('\n').slice(4).join('\n')); // steps 5-6 only
  assert.throws(
    () => exportGeneratorWeights(dir, { out: path.join(tmp(), 'w'), command: 'test' }),
    /loss log .* holds 2 of the checkpoint's 6 steps/,
  );
});

// --- resume: backend and loss log ----------------------------------------------------------------------------

test(
  'resume: refused on another backend or native setting; ' +
    'a manifest without the record resumes as wasm without native',
  async () => {
    const dir = tmp();
    await run({ stage: 'segmenter', out: dir, steps: 2, checkpointEvery: 1 });
    assert.deepEqual(loadCheckpoint<RunMeta>(dir).meta.backend, WASM_PLAIN);
    await assert.rejects(
      run({ stage: 'segmenter', out: dir, steps: 3, resume: true, backend: { name: 'wasm', native: true } }),
      /was computed on wasm \(native kernels off\), this process runs wasm \(native kernels on\): .*TFJS_NATIVE=0/,
    );
    await assert.rejects(
      run({ stage: 'segmenter', out: dir, steps: 3, resume: true, backend: { name: 'cpu', native: false } }),
      /this process runs cpu .*--backend wasm/,
    );
    editManifest(path.join(dir, 'ckpt.json'), (m) => delete m.meta.backend); // as written before the record
    await assert.rejects(
      run({ stage: 'segmenter', out: dir, steps: 3, resume: true, backend: { name: 'wasm', native: true } }),
      /native kernels off/,
    );
    const resumed = await run({ stage: 'segmenter', out: dir, steps: 3, resume: true });
    assert.deepEqual(
      resumed.records.map((r) => r.step),
      [3],
    );
  },
);

// The committed run left the tree (checkpoints/README.md): it is restored from the history commit that still holds it.
const OLD_RUN_COMMIT = '73ea9f5';
const OLD_RUN = 'checkpoints/cpu/resume/edge-cpu';
const oldRunInHistory =
  spawnSync('git', ['cat-file', '-e', `${OLD_RUN_COMMIT}:${OLD_RUN}/ckpt.json`], { cwd: ROOT }).status === 0;

test('a committed run (written before the backend, ' +
  'data mix and cues were recorded) resumes and repeats its logged step', {
  skip: oldRunInHistory ? false : `${OLD_RUN} is not in this clone's history (shallow clone?): git fetch --unshallow`,
}, async () => {
  const base = tmp();
  const archive = spawnSync('git', ['archive', OLD_RUN_COMMIT, OLD_RUN], { cwd: ROOT, maxBuffer: 1 << 26 });
  assert.equal(archive.status, 0, String(archive.stderr));
  assert.equal(spawnSync('tar', ['-x', '-C', base], { input: archive.stdout }).status, 0);
  const dir = path.join(base, OLD_RUN);
  const step = loadCheckpoint<RunMeta>(dir).meta.step;
  const logged = readLossLog(path.join(dir, 'log.jsonl')).find((r) => r.step === step + 1)!; // the run went on past it
  const r = await runTraining({
    preset: PRESETS.cpu,
    progress: false,
    stage: 'edge',
    out: dir,
    steps: step + 1,
    resume: true,
    data: DATA_MIXES.procedural,
    backend: WASM_PLAIN,
  });
  assert.deepEqual(r.records[0].losses, logged.losses); // measured: identical (2 threads then, 1 here)
});

test('resume: refused when log.jsonl is missing or does not reach the checkpoint', async () => {
  const dir = tmp();
  await run({ stage: 'segmenter', out: dir, steps: 2 });
  const log = path.join(dir, 'log.jsonl');
  const kept = fs.readFileSync(log);
  fs.rmSync(log);
  await assert.rejects(
    run({ stage: 'segmenter', out: dir, steps: 3, resume: true }),
    /log\.jsonl is missing up to the checkpoint's step 2: restore it/,
  );
  fs.writeFileSync(log, `${kept.toString().split('\n')[1]}\n`); // step 2 only
  await assert.rejects(run({ stage: 'segmenter', out: dir, steps: 3, resume: true }), /holds 1 of the 2 steps/);
  fs.writeFileSync(log, kept);
  await run({ stage: 'segmenter', out: dir, steps: 3, resume: true });
  assert.deepEqual(
    readLossLog(log).map((r) => r.step),
    [1, 2, 3],
  );
});

test(
  'train --out: a file, exported weights or results are refused; ' + 'a refused run leaves no folder behind',
  async () => {
    const base = tmp();
    const file = path.join(base, 'f');
    fs.writeFileSync(file, 'x');
    await assert.rejects(run({ stage: 'segmenter', out: file, steps: 1 }), /--out .*f is a file; give a folder/);
    const results = path.join(base, 'r');
    fs.mkdirSync(results);
    fs.writeFileSync(path.join(results, 'spec.json'), '{}');
    await assert.rejects(run({ stage: 'segmenter', out: results, steps: 1 }), /holds experiment results/);
    const fresh = path.join(base, 'fresh');
    await assert.rejects(run({ stage: 'edge', out: fresh, steps: 1, init: path.join(base, 'nothing') }), /not found/);
    assert.ok(!fs.existsSync(fresh), 'a failed run left its --out folder');
    await assert.rejects(
      run({ stage: 'edge', out: fresh, steps: 1, resume: true }),
      /--resume: .* holds no checkpoint/,
    );
    assert.ok(!fs.existsSync(fresh));
  },
);

// --- alpha and MEL: one source --------------------------------------------------------------------------------

test('--alpha and --no-mel reach the loss and the record; a second source for either is refused', async () => {
  const oneStep = async (argv: string[]) => {
    const a = parseTrainArgs([
      '--stage',
      'joint',
      '--preset',
      'tiny',
      '--out',
      path.join(tmp(), 'r'),
      '--steps',
      '1',
      ...argv,
    ])!;
    const r = await runTraining({ ...a.run, preset: tiny, progress: false, backend: WASM_PLAIN });
    return { losses: r.records[0].losses, meta: loadCheckpoint<RunMeta>(r.checkpoint).meta };
  };
  const low = await oneStep(['--alpha', '0.01']);
  const high = await oneStep(['--alpha', '0.07']);
  const mid = await oneStep(['--weights', 'alpha=0.04']);
  const off = await oneStep(['--no-mel']);
  assert.deepEqual([low.meta.settings.alpha, low.meta.settings.weights.alpha], [0.01, 0.01]);
  assert.deepEqual([high.meta.settings.alpha, high.meta.settings.weights.alpha], [0.07, 0.07]);
  assert.deepEqual([mid.meta.settings.alpha, mid.meta.settings.weights.alpha], [0.04, 0.04]);
  // step 1 sees the same weights and batch in every run, so L_X = mean((phi - alpha) m) (Eq. 9) is linear in alpha:
  // it falls by mean(m) > 0 per unit of alpha, and alpha 0.04 lies halfway; a hard-coded alpha gives three equal values
  const [x1, x4, x7] = [low, mid, high].map((r) => r.losses.X);
  assert.ok(x1 - x7 > 1e-4, `L_X(0.01) = ${x1}, L_X(0.07) = ${x7}`);
  assert.ok(Math.abs(x4 - (x1 + x7) / 2) < 1e-6 * (x1 - x7) + 1e-7, `L_X(0.04) = ${x4}, midpoint ${(x1 + x7) / 2}`);
  assert.notEqual(low.losses.loss, high.losses.loss);
  assert.deepEqual([off.meta.settings.mel, off.meta.settings.weights.lambdaX, off.losses.X], [false, 0, 0]);
  assert.equal(high.meta.settings.mel, true);
  assert.notEqual(off.losses.loss, high.losses.loss);
  const refuse = (argv: string[], re: RegExp) => assert.rejects(oneStep(argv), re);
  await refuse(['--alpha', '0.05', '--weights', 'alpha=0.2'], /alpha is given twice/);
  await refuse(['--no-mel', '--weights', 'lambdaX=0'], /MEL is switched off twice/);
  await assert.rejects(
    run({ stage: 'edge', out: tmp(), steps: 1, weights: { alpha: 0.5 } }),
    /--weights alpha: the mask expansion loss applies to the joint stage only/,
  );
  await assert.rejects(run({ stage: 'edge', out: tmp(), steps: 1, alpha: 0.5 }), /apply to the joint stage only/);
});

// --- CLI values ---------------------------------------------------------------------------------------------

test('CLI values: integers in digits only, numbers in range, no empty list items, one-line parse errors', () => {
  assert.equal(integerArg('steps', '16'), 16);
  for (const bad of ['1e20', '0x10', '1.5', '0', '', 'abc', '99999999999999999999'])
    assert.throws(() => integerArg('steps', bad), /--steps must be a whole number/);
  assert.equal(numberArg('alpha', '0.07', { min: 0 }), 0.07);
  for (const bad of ['-5', 'NaN', 'Infinity', '0x1', '1,5'])
    assert.throws(() => numberArg('alpha', bad, { min: 0 }), /--alpha must be a number >= 0/);
  assert.throws(() => listArg('candidates', 'a,b,'), /item 3 of 'a,b,' is empty/);
  const train = (argv: string[]) => parseTrainArgs(['--stage', 'joint', '--preset', 'tiny', ...argv]);
  assert.throws(() => train(['--alpha', '-5']), /--alpha' argument is ambiguous/);
  assert.throws(() => train(['--alpha=-5']), /--alpha must be a number >= 0, got '-5'/);
  assert.throws(() => train(['--steps', '1e20']), /--steps must be a whole number/);
  assert.throws(() => train(['--weights', 'alpha=abc']), /--weights alpha must be a number/);
  assert.throws(() => train(['--bogus']), /Unknown option '--bogus'/);
  assert.throws(() => train(['--threads', 'abc']), /--threads must be a whole number/);
  assert.throws(() => parseTrainArgs([]), /--stage is required/);
  for (const argv of [['--alpha', '-5'], ['--bogus']]) {
    try {
      train(argv);
    } catch (e) {
      assert.ok(!(e as Error).message.includes('\n'), 'a multi-line message');
    }
  }
});

test('a CLI error is one line on stderr without a stack trace, exit 1; --help exits 0', () => {
  const cli = (script: string, argv: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'lib/cli', script), ...argv], { cwd: ROOT });
  const bad = cli('figures.ts', ['--results']);
  assert.equal(bad.status, 1);
  assert.match(
    bad.stderr.toString(),
    /^figures: Option '--results <value>' argument missing \(see npm run figures -- --help\)\n$/,
  );
  const help = cli('exportWeights.ts', ['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout.toString(), /^usage: npm run export-weights -- RUN \[--out DIR\]/);
});

test('Ctrl-C during training: exit 130 with a line naming the kept checkpoint and --resume', async () => {
  const out = path.join(tmp(), 'run');
  const p = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'lib/cli/train.ts'),
      '--preset',
      'tiny',
      '--stage',
      'edge',
      '--steps',
      '100000',
      '--checkpoint-every',
      '2',
      '--out',
      out,
    ],
    { cwd: ROOT, env: { ...process.env, TFJS_NATIVE: '0' } },
  );
  let stderr = '';
  p.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => p.on('close', resolve));
  const log = path.join(out, 'log.jsonl');
  for (let t = 0; t < 600 && !(fs.existsSync(log) && readLossLog(log).length >= 4); t++)
    await new Promise((r) => setTimeout(r, 100));
  p.kill('SIGINT');
  const timeout = new Promise<string>((resolve) =>
    setTimeout(() => resolve('still running 30 s after SIGINT'), 30_000).unref(),
  );
  const code = await Promise.race([exited, timeout]);
  p.kill('SIGKILL');
  assert.equal(code, 130);
  const last = stderr
    .split(/[\r\n]/)
    .filter(Boolean)
    .pop();
  assert.match(
    last!,
    /^train: interrupted; the last checkpoint is step \d+ in .*run: repeat the command with --resume to continue$/,
  );
});

// --- readMask: what it accepts --------------------------------------------------------------------------------

/** A minimal PNG encoder (one IDAT, filter 0) for images sharp does not write: 16-bit, grey + alpha. */
function encodePng(width: number, height: number, channels: 1 | 2 | 3 | 4, depth: 8 | 16, values: number[]): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = table[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = { 1: 0, 2: 4, 3: 2, 4: 6 }[channels];
  const row = 1 + (width * channels * depth) / 8;
  const raw = Buffer.alloc(height * row);
  values.forEach((v, i) => {
    const y = Math.floor(i / (width * channels));
    const o = y * row + 1 + ((i - y * width * channels) * depth) / 8;
    if (depth === 16) raw.writeUInt16BE(v, o);
    else raw[o] = v;
  });
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test(
  'readMask: green on black, alpha-only, grey + alpha, ' + '16-bit 0/1 and 0/65535 masks; thresholds checked',
  async () => {
    const dir = tmp();
    const want = [0, 1, 1, 0];
    const write = (name: string, c: 1 | 2 | 3 | 4, depth: 8 | 16, v: number[]) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, encodePng(2, 2, c, depth, v));
      return f;
    };
    const cases: [string, string][] = [
      ['green on black', write('green.png', 3, 8, [0, 0, 0, 0, 255, 0, 0, 255, 0, 0, 0, 0])],
      [
        'alpha-only (black, shape in alpha)',
        write('alpha.png', 4, 8, [0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 0]),
      ],
      ['grey + alpha', write('ga.png', 2, 8, [0, 0, 0, 255, 0, 255, 0, 0])],
      ['16-bit 0/1', write('g16.png', 1, 16, [0, 1, 1, 0])],
      ['16-bit 0/65535', write('g16max.png', 1, 16, [0, 65535, 65535, 0])],
      [
        'opaque RGBA white on black',
        write('rgba.png', 4, 8, [0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 255]),
      ],
    ];
    for (const [what, f] of cases) {
      assert.deepEqual(Array.from((await readMask(f)).data), want, what);
      assert.deepEqual(Array.from((await readMask(f, 127)).data), want, `${what}, threshold 127`);
    }
    const soft16 = write('soft16.png', 1, 16, [0, 40000, 20000, 0]);
    await assert.rejects(readMask(soft16), /soft16\.png is not a binary mask \(value 40000 of 65535 at pixel 1\)/);
    // 40000 -> 155.6, 20000 -> 77.8 of 255
    assert.deepEqual(Array.from((await readMask(soft16, 127)).data), [0, 1, 0, 0]);
    for (const t of [NaN, 300, -1, 255])
      await assert.rejects(readMask(cases[0][1], t), /the threshold must be a number in \[0, 255\)/);
    // a 16-bit image keeps its precision: 32768 / 65535, not 128 / 255
    const img = await readImage(write('img16.png', 1, 16, [0, 32768, 65535, 1]), 1);
    assert.ok(Math.abs(img.data[1] - 32768 / 65535) < 1e-7, `${img.data[1]}`);
    assert.ok(Math.abs(img.data[3] - 1 / 65535) < 1e-9);
  },
);

// --- figures: only finished experiments of one test set -------------------------------------------------------

test('figures draw only finished experiments of one test set, and say what they left out', async () => {
  const exp = (name: string, count: number, size: number, imagesDone: number): LoadedExperiment => ({
    spec: {
      name,
      table: 'table1_mask_size',
      inpainter: name,
      testSet: { kind: 'procedural', seed: 1001, count, size },
      masks: [],
      metrics: [],
    },
    rows: [],
    imagesDone,
  });
  const all = [exp('a-cpu', 400, 64, 400), exp('b-cpu', 400, 64, 84), exp('c-tiny', 8, 64, 8)];
  const { drawn, leftOut } = drawableExperiments(all);
  assert.deepEqual(
    drawn.map((e) => e.spec.name),
    ['a-cpu'],
  );
  assert.equal(leftOut.length, 2);
  assert.match(leftOut[0], /b-cpu is unfinished \(84 of 400 test images scored\): not drawn/);
  assert.match(
    leftOut[1],
    /c-tiny is on another test set \(8 images @64px \(seed 1001\)\): not drawn beside 400 images @64px/,
  );
  assert.deepEqual(
    drawableExperiments(all, 'tiny').drawn.map((e) => e.spec.name),
    ['c-tiny'],
  );
  // loadResults counts finished images from the rows: an experiment cut after 1 of its 2 images is not drawn
  const results = tmp();
  const d = path.join(results, 'table1-x-tiny');
  fs.mkdirSync(d);
  const masks = [
    { kind: 'gt', d256: 0 },
    { kind: 'gt', d256: 2 },
  ];
  const metrics = [{ metric: 'psnr', protocol: 'paper' }];
  fs.writeFileSync(
    path.join(d, 'spec.json'),
    JSON.stringify({ ...exp('table1-x-tiny', 2, 32, 0).spec, masks, metrics }),
  );
  const row = (image: number, mask: string) =>
    JSON.stringify({
      image,
      bucket: '0-10%',
      maskRatio: 0.05,
      mask,
      d256: 0,
      dPixels: 0,
      holeRatio: 0.05,
      metric: 'psnr',
      protocol: 'paper',
      region: 'whole-image',
      value: 20,
    });
  fs.writeFileSync(path.join(d, 'per_image.jsonl'), `${[row(0, 'gt+0'), row(0, 'gt+2'), row(1, 'gt+0')].join('\n')}\n`);
  const out = tmp();
  const built = await buildFigures(results, out);
  assert.deepEqual(built.written, []);
  assert.deepEqual(fs.readdirSync(out), []);
  assert.match(built.leftOut.join('\n'), /table1-x-tiny is unfinished \(1 of 2 test images scored\)/);
});

// --- a full disk ----------------------------------------------------------------------------------------------

test('a full disk: the failed checkpoint names its folder and the good checkpoint, and leaves no .tmp file', {
  skip: process.getuid?.() !== 0 && 'needs root to mount a tmpfs',
}, (t) => {
  const mnt = tmp();
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]).status !== 0)
    return t.skip('mount -t tmpfs failed');
  try {
    const names = ['model.edge.a'];
    const small = new Map<string, tf.Tensor>([['model.edge.a', tf.zeros([4])]]);
    saveCheckpoint(mnt, 1, { step: 1 }, small);
    const big = new Map<string, tf.Tensor>([[names[0], tf.zeros([64 * 1024])]]); // 256 kB > 64 kB
    assert.throws(
      () => saveCheckpoint(mnt, 2, { step: 2 }, big),
      new RegExp(
        `writing the checkpoint of step 2 into ${mnt} failed \\(ENOSPC.*\\); ` +
          `${mnt}/ckpt\\.json \\(step 1\\) is still the good checkpoint`,
      ),
    );
    assert.deepEqual(fs.readdirSync(mnt).sort(), ['ckpt-000001.bin', 'ckpt.json']);
    assert.equal(loadCheckpoint<{ step: number }>(mnt).meta.step, 1);
    tf.dispose([...small.values(), ...big.values()]);
  } finally {
    spawnSync('umount', [mnt]);
  }
});
