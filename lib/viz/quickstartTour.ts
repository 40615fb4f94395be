// The figures of notebooks/00_quickstart.ipynb: the method of paper Fig. 2 with the shipped weights, on real
// photographs. The pretrained person segmenter (MediaPipe selfie, lib/models/pretrainedSegmenter.ts) proposes
// segments, the connected components of its person mask; one is selected, by a user's point (Sec. III-E) or by
// m_G, the segment overlapping the known object mask most (Sec. III-C); the shipped edge, seg and image
// inpainters fill it (lib/pipeline/photoRemoval.ts on a photo of any size; lib/pipeline/inpaintingNetwork.ts
// removeObject at the model's size). Scores are PSNR (paper protocol) against the true background: vtest.avi's
// median plate inside the hole, or I_G of a photo-test item.
import { type Mask, type Raster, createRaster } from '../image/raster';
import { crop } from '../image/resize';
import { psnr } from '../eval/psnr';
import { maskMetrics } from '../eval/maskMetrics';
import { testSetSpec } from '../eval/experiments';
import { openTestSet } from '../data/triplets';
import { components, openVtestTestRange } from '../data/vtest';
import { INPAINTER_PARTS, type LearnedInpainters, loadLearnedInpainters } from '../pipeline/learnedInpainters';
import { readShippedManifest, shippedWeightsDir, shippedWeightsPaths, stepsIncludingInit } from '../io/shippedWeights';
import { removeFromPhoto } from '../pipeline/photoRemoval';
import { removeObject } from '../pipeline/inpaintingNetwork';
import { CLASSICAL_INPAINTERS } from '../inpaint/inpainter';
import {
  type PersonSegments,
  type PretrainedSegmenter,
  loadPretrainedSegmenter,
  personSegments,
  segmentAtPoint,
} from '../models/pretrainedSegmenter';
import { selectPersonSegment } from '../models/maskSelection';
import { repoRelative } from '../io/repoRoot';
import { type PicturePanel, picturePanel } from './panel';

/** The real photograph of the first figure: a square of a frame of vtest.avi's test range (the segmenter works at
 *  256x256, where a whole frame's pedestrians are a few pixels wide), a point on a pedestrian in it, and the dilation
 *  of the hole in photo pixels (as `npm run remove -- --point X,Y --dilate 2`). */
export const QUICKSTART_PHOTO = { frame: 560, top: 70, left: 472, size: 256, point: { x: 128, y: 128 }, dilate: 2 };
/** The photo-test items of the second figure, at the shipped weights' preset. */
export const QUICKSTART_ITEMS = [0, 1, 2, 3];
const PRESET = 'cpu';

export interface Quickstart {
  nets: LearnedInpainters;
  segmenter: PretrainedSegmenter;
  summary: string[];
}

/** The shipped inpainters (checkpoints/cpu, or WEIGHTS_DIR; each part's stage, size and SHA-256 checked) and the
 *  pretrained segmenter (data/models/selfie, its weights as trainable variables). */
export function openQuickstart(): Quickstart {
  const weights = shippedWeightsPaths(shippedWeightsDir(PRESET));
  const nets = loadLearnedInpainters(weights);
  const segmenter = loadPretrainedSegmenter();
  const summary = INPAINTER_PARTS.map((part) => {
    const { file, manifest: m } = readShippedManifest(weights[part]);
    return (
      `${part}: ${repoRelative(file)} (${m.preset} preset, ${m.architecture.size}x${m.architecture.size}, float16): ` +
      `${stepsIncludingInit(m)} training steps`
    );
  });
  summary.push(
    `segmenter: MediaPipe selfie segmentation, ${segmenter.params.trainableVariables().length} weight tensors`,
  );
  return { nets, segmenter, summary };
}

const PALETTE = [
  [0.9, 0.1, 0.2],
  [0.1, 0.5, 0.9],
  [0.95, 0.75, 0.1],
  [0.2, 0.7, 0.3],
  [0.6, 0.3, 0.8],
];

/** Each segment in its own colour over the darkened image; a white cross at `point` if given. */
function segmentColours(image: Raster, s: PersonSegments, point?: { x: number; y: number }): Raster {
  const out = createRaster(image.height, image.width, 3);
  s.labels.forEach((l, i) => {
    for (let c = 0; c < 3; c++)
      out.data[3 * i + c] = l < 0 ? 0.3 * image.data[3 * i + c] : PALETTE[l % PALETTE.length][c];
  });
  if (point) {
    for (let k = -6; k <= 6; k++) {
      for (const [x, y] of [
        [point.x + k, point.y],
        [point.x, point.y + k],
      ]) {
        if (x >= 0 && y >= 0 && x < image.width && y < image.height)
          out.data.fill(1, 3 * (y * image.width + x), 3 * (y * image.width + x) + 3);
      }
    }
  }
  return out;
}

/** m (white) over m_G (grey where m misses it). */
function maskPair(m: Mask, mG: Mask): Raster {
  const out = createRaster(m.height, m.width, 3);
  m.data.forEach((v, i) => out.data.fill(v ? 1 : mG.data[i] ? 0.4 : 0, 3 * i, 3 * i + 3));
  return out;
}

const bytesRaster = (data: Uint8Array, height: number, width: number): Raster => ({
  height,
  width,
  channels: 3,
  data: Float32Array.from(data, (v) => v / 255),
});

const cropMask = (m: Mask, top: number, left: number, height: number, width: number): Mask => {
  const data = new Uint8Array(height * width);
  for (let y = 0; y < height; y++)
    data.set(m.data.subarray((top + y) * m.width + left, (top + y) * m.width + left + width), y * width);
  return { height, width, data };
};

/**
 * A person removed from a real photograph: a square of vtest.avi frame QUICKSTART_PHOTO.frame, the segmenter's
 * segments and the point; the segment under it, dilated, filled by ours and by Telea in the context window
 * (lib/pipeline/photoRemoval.ts); the truth there (the frame, with the median plate in the hole); and the 64x64
 * window the inpainters saw. PSNR on the window; IoU of the segment with the pedestrian's cleaned silhouette.
 */
export async function realPhotoRemovalPanel(qs: Quickstart): Promise<PicturePanel> {
  const { frame: f, top: y0, left: x0, size: S, point, dilate } = QUICKSTART_PHOTO;
  const range = await openVtestTestRange();
  const FW = range.index.width;
  const [H, W] = [S, S];
  const frame = await range.frame(f);
  const square = (data: Uint8Array, channels: number) => {
    const out = new Uint8Array(S * S * channels);
    for (let y = 0; y < S; y++)
      out.set(data.subarray(((y0 + y) * FW + x0) * channels, ((y0 + y) * FW + x0 + S) * channels), y * S * channels);
    return out;
  };
  const [rgb, mask, plate] = [square(frame.rgb, 3), square(frame.mask, 1), square(range.plate, 3)];
  const image = bytesRaster(rgb, H, W);
  const segments = await personSegments(image, { segmenter: qs.segmenter });
  const hit = await segmentAtPoint(image, point.x, point.y, { segmenter: qs.segmenter });
  if (!hit)
    throw new Error(`the point (${point.x}, ${point.y}) of frame ${f} is on no person segment: the segmenter changed`);
  const photo = { height: H, width: W, channels: 3, data: rgb };
  const ours = await removeFromPhoto(photo, hit.mask, { method: 'ours', nets: qs.nets, dilate });
  const telea = await removeFromPhoto(photo, hit.mask, { method: 'telea', dilate });
  const { top, left, height: h, width: w } = ours.window;
  const truth = Uint8Array.from(rgb);
  ours.hole.data.forEach((v, i) => {
    if (v) truth.set(plate.subarray(3 * i, 3 * i + 3), 3 * i);
  });
  const win = (data: Uint8Array) => crop(bytesRaster(data, H, W), top, left, h, w);
  const score = (data: Uint8Array) => psnr(win(data), win(truth), { protocol: 'paper' }).value;
  // the pedestrian: the silhouette component the segment overlaps most
  const sil = components({ height: H, width: W, data: mask.map((v) => (v ? 1 : 0)) });
  const overlap = new Map<number, number>();
  hit.mask.data.forEach((v, i) => {
    if (v && sil.labels[i]) overlap.set(sil.labels[i], (overlap.get(sil.labels[i]) ?? 0) + 1);
  });
  const id = [...overlap].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  const person: Mask = { height: H, width: W, data: Uint8Array.from(sil.labels, (l) => (l === id && id > 0 ? 1 : 0)) };
  const q = maskMetrics(hit.mask, person);
  const model = ours.model!;
  const s = Math.max(1, Math.round(h / model.image.height));
  return picturePanel(
    '00_quickstart',
    [
      [image, segmentColours(image, segments, point)],
      [win(rgb), cropMask(ours.hole, top, left, h, w), win(ours.output.data), win(telea.output.data), win(truth)],
      [model.image, model.hole, model.output],
    ],
    [
      [
        `vtest.avi frame ${f} (${S}x${S} of it)`,
        `${segments.components.length} segment(s), point (${point.x}, ${point.y})`,
      ],
      [
        'before',
        `hole (segment +${dilate} px)`,
        `ours ${score(ours.output.data).toFixed(1)} dB`,
        `Telea ${score(telea.output.data).toFixed(1)} dB`,
        'truth (plate)',
      ],
      [`model input ${model.image.width}x${model.image.height}`, 'its hole', 'its output'],
    ],
    [
      `the segment under the point: ${hit.component.area} px; against the pedestrian's cleaned silhouette IoU ` +
        `${q.iou.toFixed(2)}, covering ${(100 * q.coverage).toFixed(0)} % of it`,
      `PSNR (paper protocol) on the ${w}x${h} px window against the frame with the plate in the hole: before ` +
        `${score(rgb).toFixed(2)} dB, ours ${score(ours.output.data).toFixed(2)} dB, ` +
        `Telea ${score(telea.output.data).toFixed(2)} dB`,
    ],
    [1, 1, s],
  );
}

const fixed = (v: number, n: number) => (Number.isFinite(v) ? v.toFixed(n) : '-');

/**
 * The paper's automatic setting on photo-test items QUICKSTART_ITEMS (64x64, cpu preset): the segments, the one
 * overlapping m_G most (m, white; grey where it misses m_G), ours and Telea filling m, and I_G. The table adds
 * ours filling m_G itself. The segmentation cue is the item's labels outside the hole, as in Table I.
 */
export async function photoTestRemovalPanel(qs: Quickstart): Promise<PicturePanel> {
  const item = await openTestSet(testSetSpec(PRESET, 'photo-test'));
  const rows: (Raster | Mask)[][] = [];
  const captions: string[][] = [];
  const table = [
    '| item | mask ratio (%) | segments | IoU m vs m_G | m_G covered | ours on m (dB) | Telea on m (dB) | ' +
      'ours on m_G (dB) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const index of QUICKSTART_ITEMS) {
    const t = await item(index);
    const s = await personSegments(t.image, { segmenter: qs.segmenter });
    const person = Uint8Array.from(s.labels, (l) => (l >= 0 ? 1 : 0));
    const sel = selectPersonSegment(person, t.mask.data, t.image.height, t.image.width);
    const m: Mask = { height: t.mask.height, width: t.mask.width, data: sel.mask };
    const q = maskMetrics(m, t.mask);
    const row: (Raster | Mask)[] = [t.image, segmentColours(t.image, s), maskPair(m, t.mask)];
    const caption = [`I (item ${index})`, `${s.components.length} segment(s)`, `m (IoU ${q.iou.toFixed(2)})`];
    let [ours, telea] = [NaN, NaN];
    if (sel.overlap > 0) {
      const filled = await removeObject(qs.nets, t.image, m, { labels: t.labels });
      const classical = CLASSICAL_INPAINTERS.telea(t.image, m);
      ours = psnr(filled.output, t.background, { protocol: 'paper' }).value;
      telea = psnr(classical, t.background, { protocol: 'paper' }).value;
      row.push(filled.output, classical);
      caption.push(`ours ${ours.toFixed(1)} dB`, `Telea ${telea.toFixed(1)} dB`);
    }
    const onMG = psnr((await removeObject(qs.nets, t.image, t.mask, { labels: t.labels })).output, t.background, {
      protocol: 'paper',
    }).value;
    rows.push([...row, t.background]);
    captions.push([...caption, 'I_G']);
    table.push(
      `| ${index} | ${(100 * t.maskRatio).toFixed(1)} | ${s.components.length} | ${q.iou.toFixed(2)} | ` +
        `${q.coverage.toFixed(2)} | ${fixed(ours, 2)} | ${fixed(telea, 2)} | ${fixed(onMG, 2)} |`,
    );
  }
  const scale = rows.map(() => 2);
  return { ...picturePanel('00_quickstart_photo_test', rows, captions, [], scale), markdown: table.join('\n') };
}
