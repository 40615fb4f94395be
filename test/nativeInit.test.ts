// initBackend and the native kernels: used automatically where the addon loads, TFJS_NATIVE=0 / 1, and a clear
// single reason (with what to do) where the addon cannot be loaded. Each case runs in a fresh process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { loadNativeAddon } from '../lib/backend/native';

const root = path.join(__dirname, '..');
const built = loadNativeAddon() === undefined;

/** initBackend in a child; `hideAddon` makes loading the addon fail there as if it had not been built. */
function init(env: Record<string, string>, hideAddon = false) {
  const hide = `const Module = require('module'); const load = Module._load;
    Module._load = function (request, ...rest) {
      if (String(request).endsWith('tfjs_onednn.node')) throw new Error('Cannot find module ' + request);
      return load.call(this, request, ...rest);
    };`;
  const code = `${hideAddon ? hide : ''}
    require('./lib/backend/index').initBackend({ backend: 'wasm', threads: 2 }).then(
      (info) => { console.log(JSON.stringify(info)); process.exit(0); },
      (e) => { console.error(e.message); process.exit(3); });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, TFJS_BACKEND: '', TFJS_THREADS: '', ...env },
  });
  const lines = r.stdout.trim().split('\n');
  const info = r.status === 0 ? JSON.parse(lines[lines.length - 1]) : undefined;
  return { status: r.status, info, log: lines, stderr: r.stderr };
}

test('native kernels are used automatically where the addon is built', { skip: !built && 'addon not built' }, () => {
  const r = init({ TFJS_NATIVE: '' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.info.native, true);
  assert.equal(r.info.threads, 2);
  assert.ok(r.info.customKernels.includes('native:Conv2D'));
  assert.match(r.log[0], /native oneDNN [\d.]+ kernels \(Conv2D, .*\) on 2 OpenMP thread\(s\); wasm itself single-thr/);
});

test('TFJS_NATIVE=0 runs the plain wasm kernels and says so', () => {
  const r = init({ TFJS_NATIVE: '0' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.info.native, false);
  assert.ok(!r.info.customKernels.some((k: string) => k.startsWith('native:')));
  assert.match(r.info.reasons.join('\n'), /native oneDNN kernels: off \(TFJS_NATIVE=0\)/);
});

test('a missing addon: plain wasm, one reason naming the build command; TFJS_NATIVE=1 makes it an error', () => {
  const r = init({ TFJS_NATIVE: '' }, true);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.info.native, false);
  const why = r.info.reasons.filter((s: string) => /native/.test(s));
  assert.equal(why.length, 1);
  assert.match(why[0], /native oneDNN kernels not built \(.*\); build them with: bash scripts\/build-native.sh; using/);
  const strict = init({ TFJS_NATIVE: '1' }, true);
  assert.equal(strict.status, 3);
  assert.match(strict.stderr, /TFJS_NATIVE=1 but native oneDNN kernels not built/);
});

test('a bad TFJS_NATIVE is one clear error', () => {
  const r = init({ TFJS_NATIVE: 'yes' });
  assert.equal(r.status, 3);
  assert.match(r.stderr.trim(), /^TFJS_NATIVE='yes' must be 0 \(plain wasm kernels\) or 1/);
});
