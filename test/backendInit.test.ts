// initBackend: choice, environment override, clear errors for bad input. Each case runs in a fresh
// process, because a process initialises its backend once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.join(__dirname, '..');

/** Runs initBackend(options) in a child process; returns its exit status, stdout and stderr. */
function init(options: string, env: Record<string, string> = {}) {
  const code = `
    const { initBackend } = require('./lib/backend');
    initBackend(${options}).then(
      (info) => { console.log(JSON.stringify(info)); process.exit(0); },
      (e) => { console.error(e.message); process.exit(3); });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TFJS_BACKEND: '', TFJS_THREADS: '', ...env },
    timeout: 60_000,
  });
  const json = r.stdout.trim().split('\n').pop() ?? '';
  return { status: r.status, info: r.status === 0 ? JSON.parse(json) : undefined, stderr: r.stderr };
}

test('automatic choice falls back to wasm when tfjs-node is not installed, and says why', () => {
  const r = init('{ threads: 2 }');
  assert.equal(r.status, 0, r.stderr);
  let tfjsNode = true;
  try {
    require.resolve('@tensorflow/tfjs-node');
  } catch {
    tfjsNode = false;
  }
  if (tfjsNode) return; // on a machine with tfjs-node the expectations below do not hold
  assert.equal(r.info.name, 'wasm');
  assert.equal(r.info.threads, 2);
  assert.match(r.info.reasons.join('\n'), /tensorflow-gpu: not available/);
  assert.match(r.info.reasons.join('\n'), /tensorflow: not available/);
  assert.equal(typeof r.info.native, 'boolean');
  assert.deepEqual(
    r.info.customKernels.filter((k: string) => !k.startsWith('native:')),
    [
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
      'InstanceNorm',
      'InstanceNormGrad',
      'MirrorPadGrad',
      'DepthwiseConv2dNativeBackpropInput',
      'DepthwiseConv2dNativeBackpropFilter',
      'Identity',
      'Cast',
      'SpectralNormPowerIteration',
      'SpectralNormSigma',
      'SpectralNormSigmaGrad',
    ],
  );
});

test('wasm with 1 thread uses the single-threaded binary', () => {
  const r = init("{ backend: 'wasm', threads: 1 }");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.info.threads, 1);
});

test('the environment forces a backend and a thread count', () => {
  const r = init('{}', { TFJS_BACKEND: 'cpu' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.info.name, 'cpu');
  assert.equal(r.info.tfjsBackend, 'cpu');
  const w = init('{}', { TFJS_BACKEND: 'wasm', TFJS_THREADS: '2' });
  assert.equal(w.info.threads, 2);
});

test('an unknown backend name is a clear error', () => {
  const r = init("{ backend: 'webgpu' }");
  assert.equal(r.status, 3);
  assert.match(r.stderr, /unknown backend 'webgpu'; choose one of tensorflow-gpu, tensorflow, wasm, cpu/);
  const e = init('{}', { TFJS_BACKEND: 'gpu' });
  assert.match(e.stderr, /TFJS_BACKEND='gpu' is not a backend/);
});

test('a thread count of 0 (or not an integer) is a clear error', () => {
  assert.match(init('{ threads: 0 }').stderr, /threads must be a positive integer, got 0/);
  assert.match(init('{ threads: 1.5 }').stderr, /threads must be a positive integer, got 1.5/);
  assert.match(init('{}', { TFJS_THREADS: 'two' }).stderr, /TFJS_THREADS='two' must be a positive integer/);
});

test('a forced backend that cannot load is an error, not a silent fallback', () => {
  const r = init("{ backend: 'tensorflow' }");
  let tfjsNode = true;
  try {
    require.resolve('@tensorflow/tfjs-node');
  } catch {
    tfjsNode = false;
  }
  if (tfjsNode) return;
  assert.equal(r.status, 3);
  assert.match(r.stderr, /no backend could be initialised \(tensorflow: not available/);
});

test('a second initialisation with other settings is refused', () => {
  const code = `
    const { initBackend } = require('./lib/backend');
    (async () => {
      await initBackend({ backend: 'wasm', threads: 1, log: false });
      await initBackend({ backend: 'wasm', threads: 1, log: false }); // same settings: fine
      try { await initBackend({ backend: 'cpu', log: false }); console.log('no error'); }
      catch (e) { console.log(e.message); }
      process.exit(0);
    })();`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.match(r.stdout, /already initialised as wasm with 1 thread\(s\)/);
});
