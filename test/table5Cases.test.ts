// lib/eval/table5Cases.ts pickCases, the rule of Figs. 4 and 5: per image the PSNR (paper protocol, 'selected' masks)
// of ours minus our inpainting network on the segmenter's mask (k = 0); the n largest gains are the successes, the n
// smallest the failures; ties by image index; an image without a finite value in both rows is left out. A small
// synthetic Table V whose other rows (SSIM, the common protocol, w/o MEL) would change the picks if they were read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExperimentResults } from '../lib/eval/experiment';
import type { ResultRow } from '../lib/eval/resultRows';
import type { Table5Row } from '../lib/eval/table5';
import { pickCases } from '../lib/eval/table5Cases';

const row = (image: number, value: number, metric = 'psnr', protocol = 'paper'): ResultRow => ({
  image,
  bucket: `${10 * (image % 4)}-${10 * (image % 4) + 10}%`,
  maskRatio: 0.05 + 0.1 * (image % 4),
  mask: 'selected',
  d256: null,
  dPixels: null,
  holeRatio: 0.1,
  metric,
  protocol,
  region: 'whole-image',
  value,
});

const tableRow = (key: string, rows: ResultRow[]): Table5Row => ({
  label: key,
  key,
  testSet: 'photo-test',
  experiment: { spec: { name: key }, rows } as unknown as ExperimentResults,
});

// image:           0   1   2   3   4   5         6   7 (ours only)  8
const OURS = [25, 18, 30, 20, 19, Infinity, 27, 50, 27];
const BASE = [20, 20, 20, 20, 20, 20, 20, undefined, 20];

const rows = [
  tableRow('segmask-ours-k0', [
    ...BASE.flatMap((v, i) => (v === undefined ? [] : [row(i, v)])),
    ...BASE.map((_, i) => row(i, 0.5, 'ssim')),
  ]),
  tableRow(
    'nomel',
    OURS.map((_, i) => row(i, 99)),
  ),
  tableRow('alpha0.03', [
    ...OURS.map((v, i) => row(i, v)),
    row(1, 60, 'psnr', 'common'), // image 1 would be the best success under the common protocol
    ...OURS.map((_, i) => row(i, i === 3 ? 1 : 0.1, 'ssim')),
  ]),
];

test('pickCases: the largest and smallest paired gains of ours over the segmenter-mask row, ties by image', () => {
  const { success, failure } = pickCases(rows, 3);
  assert.deepEqual(
    success.map((c) => [c.image, c.gain]),
    [
      [2, 10],
      [6, 7],
      [8, 7],
    ],
  );
  assert.deepEqual(
    failure.map((c) => [c.image, c.gain]),
    [
      [1, -2],
      [4, -1],
      [3, 0],
    ],
  );
  assert.equal(success[0].bucket, '20-30%');
  const all = pickCases(rows, 20);
  assert.deepEqual(all.success.map((c) => c.image).sort(), [0, 1, 2, 3, 4, 6, 8], 'images 5 and 7 left out');
});

test('pickCases: no cases without both rows', () => {
  assert.deepEqual(pickCases(rows.filter((r) => r.key !== 'segmask-ours-k0')), { success: [], failure: [] });
  assert.deepEqual(pickCases(rows.filter((r) => r.key !== 'alpha0.03')), { success: [], failure: [] });
});
