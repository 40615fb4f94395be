// npm run reproduce --only table5 --arms DIR end to end, at the tiny preset's 8 procedural items, on joint arms and an
// L_PS-fine-tuned segmenter trained here for one step: every segmenter's rows are written (the pretrained one's and
// the fine-tuned one's fills and k sweep with its validation, the from-scratch one's ours at k = 0, recording the
// committed checkpoint it read), the joint arms into Table IV's folder, a second run computes nothing, and npm run
// figures reports the from-scratch segmenter beside the others.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { initBackend } from '../lib/backend/index';
import { DATA_MIXES, PRESETS, type Preset } from '../lib/config/presets';
import { runTraining } from '../lib/train/loop';
import { loadResults } from '../lib/eval/experiment';
import { TABLE5_SCRATCH_RUN } from '../lib/eval/experiments';
import { buildFigures } from '../lib/cli/figures';

const ROOT = path.join(__dirname, '..');
const preset: Preset = { ...PRESETS.tiny, architecture: { ...PRESETS.tiny.architecture, size: 64 } };
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'table5-cli-'));
let arms: string;

before(async () => {
  await initBackend({ backend: 'wasm', threads: 1, log: false });
  arms = tmp();
  const run = (name: string, stage: 'joint' | 'segmenter', o: object = {}) =>
    runTraining({
      preset,
      stage,
      segmenter: 'pretrained',
      data: DATA_MIXES.procedural,
      out: path.join(arms, 'table4', name),
      steps: 1,
      progress: false,
      ...o,
    });
  await run('alpha0.03', 'joint');
  await run('nomel', 'joint', { mel: false });
  await run('segmenter-lps', 'segmenter');
});

function reproduce(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli/reproduce.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
}

test("reproduce --only table5: each segmenter's rows, the joint arms, resumable; figures report the segmenters", async () => {
  const results = tmp();
  const args = ['--preset', 'tiny', '--only', 'table5', '--arms', arms, '--results', results];
  const first = reproduce([...args, '--test-set', 'procedural']);
  assert.equal(first.status, 0, first.stderr);
  const names = (dir: string) => loadResults(path.join(results, dir)).map((e) => e.spec.name);
  const sweep = (masks: string) =>
    ['photo-validation', 'procedural'].flatMap((t) =>
      [0, 1, 2, 3, 4].map((k) => `table5-${masks}-ours-k${k}-tiny-${t}`),
    );
  assert.deepEqual(
    names('table5').sort(),
    [
      ...['segmask', 'segmasklps'].flatMap((m) => [
        `table5-${m}-telea-k0-tiny-procedural`,
        `table5-${m}-meanFill-k0-tiny-procedural`,
        ...sweep(m),
      ]),
      'table5-segmaskscratch-ours-k0-tiny-procedural',
    ].sort(),
  );
  // (procedural is Table IV's default test set: its names carry no suffix)
  assert.deepEqual(names('table4').sort(), ['table4-alpha0.03-tiny', 'table4-nomel-tiny']);
  const scratch = loadResults(path.join(results, 'table5')).find((e) =>
    e.spec.name.startsWith('table5-segmaskscratch'),
  )!;
  assert.equal(scratch.spec.removal?.method, 'segmenterMask');
  if (scratch.spec.removal?.method === 'segmenterMask') {
    assert.equal(scratch.spec.removal.segmenter, 'scratch-procedural');
    assert.equal(scratch.spec.removal.checkpoint?.file, path.join(TABLE5_SCRATCH_RUN, 'ckpt.json'));
    assert.equal(scratch.spec.removal.checkpoint?.step, 10000);
  }
  const again = reproduce([...args, '--test-set', 'procedural']);
  assert.equal(again.status, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /: [1-9]\d* images computed/);

  const out = tmp();
  await buildFigures(results, out, 'tiny');
  const md = fs.readFileSync(path.join(out, 'table5.md'), 'utf8');
  assert.match(md, /\| our inpainting network \(from-scratch procedural segmenter mask, k = 0\) \|/);
  for (const s of [
    'pretrained segmenter',
    'L_PS-fine-tuned segmenter',
    'from-scratch segmenter \\(procedural scenes\\)',
  ])
    assert.match(md, new RegExp(`\\| ${s} \\| all \\| 8 \\|`));
  for (const dir of [results, out]) fs.rmSync(dir, { recursive: true });
});
