// npm run remove (lib/cli/remove.ts) and the full-resolution removal behind it (lib/pipeline/photoRemoval.ts), on a
// real photograph of data/backgrounds (170x256, not a multiple of the model's 64 px) with a drawn mask: the output has
// the input's size and, written as PNG or WebP, every pixel outside the hole bit-identical to the decoded input;
// the fill covers the whole hole; each bad input fails with one error line and no stack trace.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/index';
import { type ImageBytes, bytesToRaster, readImageBytes, writeMask } from '../lib/image/io';
import { type Mask, createMask, maskArea } from '../lib/image/raster';
import { loadLearnedInpainters, type LearnedInpainters } from '../lib/pipeline/learnedInpainters';
import { shippedWeightsPaths } from '../lib/io/shippedWeights';
import { contextWindow, coveringMask, maskBox, removeFromPhoto } from '../lib/pipeline/photoRemoval';
import { inpaintMeanFill } from '../lib/inpaint/meanFill';
import { psnr } from '../lib/eval/psnr';
import { repoPath } from '../lib/io/repoRoot';

const PHOTO = repoPath('data', 'backgrounds', 'lomiri-wallpapers-16.04__friends_by_Aitzol_Berasategi.jpg');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'remove-'));
let photo: ImageBytes;
let nets: LearnedInpainters;

/** An ellipse mask (centre, radii in px) of the photo's size. */
function ellipse(h: number, w: number, cx: number, cy: number, rx: number, ry: number): Mask {
  const m = createMask(h, w);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) m.data[y * w + x] = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1 ? 1 : 0;
  return m;
}

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', repoPath('lib', 'cli', 'remove.ts'), ...args], {
    encoding: 'utf8',
    cwd: repoPath(),
  });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

/** Pixels outside the hole: equal bytes in every channel; inside: how many pixels changed. */
function compareOutside(a: ImageBytes, b: ImageBytes, hole: Mask): { outsideDiffs: number; insideChanged: number } {
  let outsideDiffs = 0,
    insideChanged = 0;
  for (let p = 0; p < hole.data.length; p++) {
    let same = true;
    for (let c = 0; c < a.channels; c++) same &&= a.data[p * a.channels + c] === b.data[p * b.channels + c];
    if (hole.data[p]) insideChanged += same ? 0 : 1;
    else outsideDiffs += same ? 0 : 1;
  }
  return { outsideDiffs, insideChanged };
}

before(async () => {
  await initBackend({ backend: 'wasm', threads: 1, log: false });
  photo = await readImageBytes(PHOTO);
  nets = loadLearnedInpainters(shippedWeightsPaths(repoPath('checkpoints', 'cpu')));
});

test('the context window: a square of twice the hole box, inside the photo, clipped where the photo is smaller', () => {
  assert.deepEqual(contextWindow({ top: 100, left: 80, height: 40, width: 20 }, 256, 170, 64), {
    top: 80,
    left: 50,
    height: 80,
    width: 80,
  });
  assert.deepEqual(contextWindow({ top: 0, left: 0, height: 10, width: 10 }, 256, 170, 64), {
    top: 0,
    left: 0,
    height: 64,
    width: 64,
  });
  assert.deepEqual(contextWindow({ top: 10, left: 150, height: 200, width: 15 }, 256, 170, 64), {
    top: 0,
    left: 0,
    height: 256,
    width: 170,
  });
  assert.deepEqual(maskBox(ellipse(50, 60, 30, 20, 5, 8)), { top: 12, left: 25, height: 17, width: 11 });
});

test('the model-size hole covers every photo pixel of the hole (nearest upsampling of it contains the hole)', () => {
  for (const [h, w, size] of [
    [114, 114, 64],
    [37, 50, 64],
    [256, 170, 64],
    [64, 64, 64],
  ]) {
    const m = ellipse(h, w, w * 0.4, h * 0.6, w * 0.13, h * 0.2);
    const small = coveringMask(m, size);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (!m.data[y * w + x]) continue;
        const sy = Math.floor(((y + 0.5) * size) / h),
          sx = Math.floor(((x + 0.5) * size) / w);
        assert.equal(small.data[sy * size + sx], 1, `${h}x${w} -> ${size}: pixel (${x}, ${y}) not covered`);
      }
    }
    if (h === size && w === size) assert.deepEqual(small.data, m.data, 'at the model size the hole is unchanged');
  }
});

test(
  'npm run remove on a real photo: same size, pixels outside the hole bit-identical (PNG, WebP), the hole ' + 'filled',
  async () => {
    const hole = ellipse(photo.height, photo.width, 97, 141, 20, 28); // the lower dog
    const maskFile = path.join(tmp, 'dog.png');
    await writeMask(maskFile, hole);
    for (const [method, ext] of [
      ['ours', 'png'],
      ['telea', 'webp'],
    ]) {
      const out = path.join(tmp, `out-${method}.${ext}`);
      const r = cli('--input', PHOTO, '--mask', maskFile, '--output', out, '--method', method);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /remove: wrote .* \(170x256 px, \d+ px filled by \w+\) in [\d.]+ s/);
      const got = await readImageBytes(out);
      assert.deepEqual([got.height, got.width, got.channels], [photo.height, photo.width, photo.channels]);
      const cmp = compareOutside(photo, got, hole);
      assert.equal(cmp.outsideDiffs, 0, `${method}: pixels outside the hole changed`);
      assert.ok(
        cmp.insideChanged > 0.9 * maskArea(hole),
        `${method}: only ${cmp.insideChanged} of ${maskArea(hole)} hole pixels changed`,
      );
    }
  },
);

test('removal on a hole over known background: both methods beat the mean fill against the photo itself', async () => {
  // a person-sized hole over the wooden wall (no object under it), so the photo is the ground truth
  const hole = ellipse(photo.height, photo.width, 130, 200, 14, 26);
  const truth = bytesToRaster(photo);
  const meanFill = psnr(inpaintMeanFill(truth, hole), truth, { protocol: 'paper' }).value;
  const before = tf.memory().numTensors;
  for (const method of ['ours', 'telea'] as const) {
    const r = await removeFromPhoto(photo, hole, { method, nets });
    const score = psnr(bytesToRaster(r.output), truth, { protocol: 'paper' }).value;
    assert.ok(score > meanFill + 1, `${method}: ${score.toFixed(2)} dB, mean fill ${meanFill.toFixed(2)} dB`);
    if (method === 'ours') assert.deepEqual([r.model!.image.height, r.model!.hole.width], [nets.size, nets.size]);
  }
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  const dilated = await removeFromPhoto(photo, hole, { method: 'telea', dilate: 3 });
  assert.ok(
    maskArea(dilated.hole) > maskArea(hole) && compareOutside(photo, dilated.output, dilated.hole).outsideDiffs === 0,
  );
});

test('bad input: one line naming the problem, exit status 1, no stack trace', async () => {
  const text = path.join(tmp, 'not-an-image.jpg');
  fs.writeFileSync(text, 'hello');
  const small = path.join(tmp, 'small.png');
  await writeMask(small, ellipse(64, 64, 30, 30, 5, 5));
  const empty = path.join(tmp, 'empty.png');
  await writeMask(empty, createMask(photo.height, photo.width));
  const full = path.join(tmp, 'full.png');
  const all = createMask(photo.height, photo.width);
  all.data.fill(1);
  await writeMask(full, all);
  const out = path.join(tmp, 'never.png');
  const cases: Array<[string[], RegExp]> = [
    [['--input', text, '--mask', small, '--output', out], /cannot decode .*not-an-image\.jpg/],
    [
      ['--input', path.join(tmp, 'missing.jpg'), '--mask', small, '--output', out],
      /--input .*missing\.jpg: no such file/,
    ],
    [['--input', PHOTO, '--mask', small, '--output', out], /the mask is 64x64 px, the photo 170x256 px/],
    [['--input', PHOTO, '--mask', empty, '--output', out], /the mask is empty/],
    [['--input', PHOTO, '--mask', full, '--output', out], /the mask covers the whole photo/],
    [['--input', PHOTO, '--point', '170,10', '--output', out], /point 170,10 is outside the photo \(170x256 px/],
    [['--input', PHOTO, '--point', '10,-3', '--output', out], /--point must be two whole numbers/],
    [
      ['--input', PHOTO, '--point', '20,30', '--output', out],
      /point 20,30 is on no person segment; the segmenter finds/,
    ],
    [['--input', PHOTO, '--mask', small, '--point', '1,1', '--output', out], /either --mask MASK or --point X,Y/],
    [['--input', PHOTO, '--mask', small, '--output', path.join(tmp, 'x.gif')], /use one of \.png/],
    [['--input', PHOTO, '--mask', small, '--output', out, '--dilate=-2'], /--dilate must be a number >= 0/],
    [['--input', PHOTO, '--mask', small, '--output', out, '--method', 'lama'], /--method must be one of ours, telea/],
  ];
  for (const [args, message] of cases) {
    const r = cli(...args);
    assert.equal(r.status, 1, `${args.join(' ')}: exit ${r.status}`);
    // progress lines may come first; the error is the last line, and every line is one of ours (no stack trace)
    const lines = r.stderr.trim().split('\n');
    assert.ok(
      lines.every((l) => l.startsWith('remove: ')),
      `${args.join(' ')}: ${r.stderr}`,
    );
    assert.match(lines[lines.length - 1], message);
  }
  assert.ok(!fs.existsSync(out), 'no output written on an error');
  assert.match(cli('--help').stdout, /usage: npm run remove -- --input PHOTO/);
});
