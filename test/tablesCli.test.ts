// npm run reproduce --only table2,table3 --arms DIR end to end on arms trained here (tiny widths at 64 px, 2 steps):
// one results folder per arm and test set under results/<table>/, the arm and its checkpoints in spec.json,
// training curves beside them, a second run computes nothing, and npm run figures builds Tables II and III from
// them (Table III's N = 0 taken from Table II's random-s0).
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { initBackend } from '../lib/backend/index';
import { PRESETS, type Preset } from '../lib/config/presets';
import { runTraining } from '../lib/train/loop';
import { INPAINTER_PARTS } from '../lib/pipeline/learnedInpainters';
import { readResultRows } from '../lib/eval/resultRows';
import { buildFigures } from '../lib/cli/figures';

const ROOT = path.join(__dirname, '..');
const preset: Preset = { ...PRESETS.tiny, architecture: { ...PRESETS.tiny.architecture, size: 64 } };
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tables-cli-'));
let arms: string;

before(async () => {
  await initBackend({ backend: 'wasm', threads: 1, log: false });
  arms = tmp();
  const train = async (out: string, o: object) => {
    for (const stage of INPAINTER_PARTS)
      await runTraining({ preset, stage, out: path.join(out, stage), steps: 2, progress: false, ...o });
  };
  await train(path.join(arms, 'table2', 'object-s0'), { masks: 'object' });
  await train(path.join(arms, 'table2', 'random-s0'), { masks: 'random' });
  for (const stage of INPAINTER_PARTS) {
    await runTraining({
      preset,
      stage,
      out: path.join(arms, 'table3', 'pairs16', stage),
      steps: 2,
      progress: false,
      masks: 'object',
      pairs: 16,
      init: path.join(arms, 'table2', 'random-s0', stage),
    });
  }
});

function reproduce(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli/reproduce.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
}

test(
  'reproduce --only table2,table3 --arms: results per arm and test set, curves, resumable; ' +
    'figures build both tables',
  async () => {
    const results = tmp();
    const args = [
      '--preset',
      'tiny',
      '--only',
      'table2,table3',
      '--arms',
      arms,
      '--test-set',
      'procedural',
      '--results',
      results,
      '--backend',
      'wasm',
      '--threads',
      '1',
    ];
    const first = reproduce(args);
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(fs.readdirSync(path.join(results, 'table2')).sort(), [
      'curves.json',
      'table2-object-s0-tiny',
      'table2-random-s0-tiny',
    ]);
    assert.deepEqual(fs.readdirSync(path.join(results, 'table3')).sort(), ['curves.json', 'table3-pairs16-tiny']);
    const spec = JSON.parse(
      fs.readFileSync(path.join(results, 'table2', 'table2-random-s0-tiny', 'spec.json'), 'utf8'),
    );
    assert.equal(spec.arm, 'random-s0');
    assert.equal(spec.inpainter, 'ours');
    assert.equal(
      spec.checkpoints.segInpainter.path,
      path.join(arms, 'table2', 'random-s0', 'segInpainter', 'ckpt.json'),
    );
    const rows = readResultRows(path.join(results, 'table3', 'table3-pairs16-tiny', 'per_image.jsonl'));
    assert.equal(rows.length, 8 * 5); // 8 images x exact mask x (PSNR, SSIM) x (paper, common) + paper-scaled SSIM
    assert.ok(rows.every((r) => r.mask === 'gt+0' && Number.isFinite(r.value)));
    const curves = JSON.parse(fs.readFileSync(path.join(results, 'table2', 'curves.json'), 'utf8'));
    assert.deepEqual(Object.keys(curves.arms), ['object-s0', 'random-s0']);
    assert.deepEqual(curves.arms['object-s0'].image.steps, [2]);
    assert.equal(typeof curves.arms['object-s0'].edge.losses.loss[0], 'number');

    const again = reproduce(args);
    assert.equal(again.status, 0, again.stderr);
    assert.equal((again.stderr.match(/: 0 images computed, 8 already done/g) ?? []).length, 3);

    const out = tmp();
    const built = await buildFigures(results, out, 'tiny');
    for (const f of ['table2.md', 'table2.csv', 'table3.md', 'table3.csv'])
      assert.ok(built.written.includes(path.join(out, f)), f);
    const md3 = fs.readFileSync(path.join(out, 'table3.md'), 'utf8');
    assert.match(md3, /\|procedural\|0\|0\.0 %\|/); // N = 0 from Table II's random-s0
    assert.match(md3, /\|procedural\|16\|25\.0 %\|/); // 16 of the tiny preset's 64 pairs
    assert.match(md3, /\|procedural\|object \(Table II\)\|/);
    assert.match(fs.readFileSync(path.join(out, 'table2.md'), 'utf8'), /\|procedural\|object\|0-10%\|/);
  },
);

test('reproduce: a table of arms without --arms, or arms without all parts, is one clear line before any work', () => {
  const noArms = reproduce(['--only', 'table2']);
  assert.notEqual(noArms.status, 0);
  assert.match(noArms.stderr, /--only table2 needs --arms DIR: the folder of its arm folders \(e\.g\. runs\/table2\)/);
  const partial = tmp();
  fs.mkdirSync(path.join(partial, 'object-s0', 'edge'), { recursive: true });
  const missing = reproduce(['--only', 'table2', '--arms', partial]);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /table2 arm object-s0: no segInpainter\/ in/);
});
