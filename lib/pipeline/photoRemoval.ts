// Object removal on a photograph of any size and aspect (what `npm run remove` runs): the learned inpainters work
// at their training size (64x64 on the cpu preset), so the photo is never resized as a whole.
//   1. hole = the mask, optionally dilated by a constant d px (Euclidean disk, lib/image/morphology.ts);
//   2. context window: a square of CONTEXT_SCALE times the hole's bounding box (at least the model's size), centred
//      on it and moved or clipped to fit in the photo;
//   3. 'ours': the window is resized to the model's size (antialiased), the low-resolution hole marks every model
//      pixel that covers any hole pixel (so the fill reaches the whole hole), the pipeline of ./edgeConnect.ts fills
//      it, and the model's output is upsampled (bilinear) back to the window;
//      'telea': Telea's fill (radius 3) runs on the window at full resolution, it needs no training size;
//   4. only the hole's pixels of the photo are replaced, so every pixel outside the hole keeps its decoded bytes
//      (alpha included) - bit-identical in a lossless output (PNG, WebP written losslessly).
// The segmentation cue: a photo has no labels, so every known pixel gets one class, PHOTO_CLASS ('photo', the label
// the training data give a photograph outside the pasted person); a caller with labels (a test triplet) passes them.
import * as fs from 'node:fs';
import { type Mask, type Raster, assertBinaryMask, maskArea } from '../image/raster';
import { type ImageBytes, bytesToRaster, readMask } from '../image/io';
import { resize, resizeMask } from '../image/resize';
import { luma } from '../image/grayscale';
import { dilate } from '../image/morphology';
import { type PanopticLabels, createLabels } from '../data/labels';
import { CLASS_ID } from '../data/classes';
import type { LearnedInpainters } from './learnedInpainters';
import { removeObject } from './inpaintingNetwork';
import { inpaintTelea } from '../inpaint/telea';
import { personSegments, segmentAtPoint } from '../models/pretrainedSegmenter';

export const REMOVAL_METHODS = ['ours', 'telea'] as const;
export type RemovalMethod = (typeof REMOVAL_METHODS)[number];

/** The context window's side in units of the hole's bounding box (the hole spans about half of it, as the
 *  training persons span 10-40 % of their 64x64 images). */
export const CONTEXT_SCALE = 2;

/** The class every known pixel of an unlabelled photo gets (see the header). */
export const PHOTO_CLASS = CLASS_ID.photo;

/** A rectangle of the photo, in pixels. */
export interface Box {
  top: number;
  left: number;
  height: number;
  width: number;
}

export interface PhotoRemovalOptions {
  method: RemovalMethod;
  /** the learned inpainters; required for 'ours' */
  nets?: LearnedInpainters;
  /** constant dilation of the mask in photo pixels (default 0) */
  dilate?: number;
  /** labels of the photo for the segmentation cue (default: every pixel PHOTO_CLASS) */
  labels?: PanopticLabels;
  /** called with a short line before each step */
  onProgress?: (message: string) => void;
}

export interface PhotoRemoval {
  /** the photo with the hole filled, same size and channels as the input */
  output: ImageBytes;
  /** the hole that was filled (the mask after dilation), photo size */
  hole: Mask;
  /** the context window the fill was computed from */
  window: Box;
  /** 'ours' only: the model-size window, its hole and the pipeline's output, e.g. to show what the model saw */
  model?: { image: Raster; hole: Mask; output: Raster };
}

/** Bounding box of the mask's 1-pixels (the mask must not be empty). */
export function maskBox(m: Mask): Box {
  let top = m.height,
    left = m.width,
    bottom = -1,
    right = -1;
  for (let y = 0; y < m.height; y++) {
    for (let x = 0; x < m.width; x++) {
      if (!m.data[y * m.width + x]) continue;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
      if (x < left) left = x;
      if (x > right) right = x;
    }
  }
  if (bottom < 0) throw new Error('maskBox: the mask is empty');
  return { top, left, height: bottom - top + 1, width: right - left + 1 };
}

/** The square context window around the hole's box (side CONTEXT_SCALE x its longer side, at least minSide),
 *  shifted to lie inside the photo and clipped where the photo is smaller. */
export function contextWindow(hole: Box, height: number, width: number, minSide: number): Box {
  const side = Math.max(minSide, Math.ceil(CONTEXT_SCALE * Math.max(hole.height, hole.width)));
  const place = (start: number, extent: number, size: number) => {
    const len = Math.min(side, size);
    const first = Math.round(start + extent / 2 - len / 2);
    return [Math.min(Math.max(0, first), size - len), len];
  };
  const [top, h] = place(hole.top, hole.height, height);
  const [left, w] = place(hole.left, hole.width, width);
  return { top, left, height: h, width: w };
}

/** The window of the photo as an RGB raster in [0, 1] (grey photos are repeated into three channels). */
function windowRaster(photo: ImageBytes, box: Box): Raster {
  const c = photo.channels;
  const data = new Float32Array(box.height * box.width * 3);
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      const s = ((box.top + y) * photo.width + box.left + x) * c;
      const d = (y * box.width + x) * 3;
      for (let k = 0; k < 3; k++) data[d + k] = photo.data[s + (c >= 3 ? k : 0)] / 255;
    }
  }
  return { height: box.height, width: box.width, channels: 3, data };
}

function cropMask(m: Mask, box: Box): Mask {
  const data = new Uint8Array(box.height * box.width);
  for (let y = 0; y < box.height; y++) {
    data.set(
      m.data.subarray((box.top + y) * m.width + box.left, (box.top + y) * m.width + box.left + box.width),
      y * box.width,
    );
  }
  return { height: box.height, width: box.width, data };
}

/** Downsampled hole: a pixel of the size x size grid is 1 when any window pixel it covers is in the hole. */
export function coveringMask(m: Mask, size: number): Mask {
  const data = new Uint8Array(size * size);
  const rows = (o: number, n: number) => [
    Math.floor((o * n) / size),
    Math.max(Math.floor((o * n) / size) + 1, Math.ceil(((o + 1) * n) / size)),
  ];
  for (let oy = 0; oy < size; oy++) {
    const [y0, y1] = rows(oy, m.height);
    for (let ox = 0; ox < size; ox++) {
      const [x0, x1] = rows(ox, m.width);
      let hit = 0;
      for (let y = y0; y < y1 && !hit; y++) for (let x = x0; x < x1 && !hit; x++) hit = m.data[y * m.width + x];
      data[oy * size + ox] = hit;
    }
  }
  return { height: size, width: size, data };
}

function cropLabels(labels: PanopticLabels, box: Box, size: number): PanopticLabels {
  const semantic = new Uint8Array(box.height * box.width);
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++)
      semantic[y * box.width + x] = labels.semantic[(box.top + y) * labels.width + box.left + x];
  }
  // nearest: ids stay ids
  const small = resizeMask({ height: box.height, width: box.width, data: semantic }, size, size);
  return { height: size, width: size, semantic: small.data, instance: new Uint16Array(size * size) };
}

/** Mask pixels brighter than this are the hole (a mask drawn in an editor and saved as JPEG is not exactly 0/255). */
export const MASK_THRESHOLD = 127;

/** What to remove: a mask image of the photo's size, or the person segment under a pixel (x, y) (the paper's
 *  Sec. III-E, an object "selected by a user"; segments of the pretrained person segmenter). */
export type HoleSource = { maskFile: string } | { point: { x: number; y: number } };

export async function photoHole(photo: ImageBytes, source: HoleSource): Promise<Mask> {
  if ('maskFile' in source) {
    if (!fs.existsSync(source.maskFile)) throw new Error(`mask ${source.maskFile}: no such file`);
    return readMask(source.maskFile, MASK_THRESHOLD);
  }
  const { x, y } = source.point;
  if (!(Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < photo.width && y < photo.height)) {
    throw new Error(
      `point ${x},${y} is outside the photo (${photo.width}x${photo.height} px: 0 <= X < ${photo.width}, ` +
        `0 <= Y < ${photo.height})`,
    );
  }
  const raster = bytesToRaster(photo);
  const hit = await segmentAtPoint(raster, x, y);
  if (hit) return hit.mask;
  const people = (await personSegments(raster)).components.map(
    (c) => `x ${c.box.x0}-${c.box.x1}, y ${c.box.y0}-${c.box.y1}`,
  );
  throw new Error(
    `point ${x},${y} is on no person segment; the segmenter finds ` +
      (people.length ? `${people.length} person(s) at ${people.join('; ')}` : 'no person in this photo') +
      ': pick a point on one, or draw a mask',
  );
}

/** Checks the mask against the photo; each failure is one line saying what to do. */
export function checkPhotoMask(photo: ImageBytes, mask: Mask): void {
  if (mask.height !== photo.height || mask.width !== photo.width) {
    throw new Error(
      `the mask is ${mask.width}x${mask.height} px, the photo ${photo.width}x${photo.height} px: ` +
        'draw the mask on the photo itself (white = remove, black = keep)',
    );
  }
  assertBinaryMask(mask, 'mask');
  const area = maskArea(mask);
  if (area === 0) throw new Error('the mask is empty (no white pixel): paint what to remove in white on black');
  if (area === mask.data.length)
    throw new Error('the mask covers the whole photo: no pixel is left to fill the hole from');
}

/** Removes what the mask covers from a photo of any size; see the header for the steps. */
export async function removeFromPhoto(photo: ImageBytes, mask: Mask, opts: PhotoRemovalOptions): Promise<PhotoRemoval> {
  checkPhotoMask(photo, mask);
  const d = opts.dilate ?? 0;
  if (!(Number.isFinite(d) && d >= 0)) throw new Error(`the dilation must be a number of pixels >= 0, got ${d}`);
  if (!REMOVAL_METHODS.includes(opts.method))
    throw new Error(`unknown method '${opts.method}' (expected ${REMOVAL_METHODS.join(' or ')})`);
  if (opts.method === 'ours' && !opts.nets) throw new Error("method 'ours' needs the learned inpainters (nets)");
  if (opts.labels && (opts.labels.height !== photo.height || opts.labels.width !== photo.width)) {
    throw new Error(
      `the labels are ${opts.labels.width}x${opts.labels.height} px, the photo ${photo.width}x${photo.height} px`,
    );
  }
  const progress = opts.onProgress ?? (() => {});
  const hole = d > 0 ? dilate(mask, d) : mask;
  if (maskArea(hole) === hole.data.length)
    throw new Error(`dilated by ${d} px the mask covers the whole photo: use a smaller --dilate`);
  const size = opts.nets?.size ?? 0;
  const window = contextWindow(maskBox(hole), photo.height, photo.width, size);
  const image = windowRaster(photo, window);
  const windowHole = cropMask(hole, window);
  let fill: Raster;
  let model: PhotoRemoval['model'];
  if (opts.method === 'ours') {
    const nets = opts.nets!;
    const small = resize(image, size, size);
    const smallHole = coveringMask(windowHole, size);
    if (maskArea(smallHole) === smallHole.data.length) {
      throw new Error(
        `at the model's ${size}x${size} px the hole leaves no known pixel in its context window: use a smaller mask`,
      );
    }
    const labels = opts.labels ?? createLabels(photo.height, photo.width, PHOTO_CLASS);
    progress(
      `inpainting a ${window.width}x${window.height} px window around the hole at the model's ${size}x${size} px`,
    );
    const r = await removeObject(nets, small, smallHole, { labels: cropLabels(labels, window, size) });
    model = { image: small, hole: smallHole, output: r.output };
    fill = resize(r.output, window.height, window.width);
  } else {
    progress(`filling the hole with Telea (radius 3) in a ${window.width}x${window.height} px window`);
    fill = inpaintTelea(image, windowHole, { radius: 3 });
  }
  const out = Uint8Array.from(photo.data);
  const c = photo.channels;
  const byte = (v: number) => (v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255));
  for (let y = 0; y < window.height; y++) {
    for (let x = 0; x < window.width; x++) {
      const w = y * window.width + x;
      if (!windowHole.data[w]) continue;
      const p = ((window.top + y) * photo.width + window.left + x) * c;
      const [r, g, b] = [fill.data[3 * w], fill.data[3 * w + 1], fill.data[3 * w + 2]];
      if (c >= 3) [out[p], out[p + 1], out[p + 2]] = [byte(r), byte(g), byte(b)];
      else out[p] = byte(luma(r, g, b)); // a grey photo gets the fill's luma
    }
  }
  return { output: { height: photo.height, width: photo.width, channels: c, data: out }, hole, window, model };
}
