// COCO loader: person triplets from a local COCO directory, as the paper builds them (Sec. III-A, IV-A):
// pick a person segment from one image, paste it (simple copy-paste) at a random location onto another randomly
// chosen image; I = pasted, I_G = the other image, M_G = the pasted segment. Both images are first brought to
// the output size by the same cover-resize + center crop, so the person keeps its size relative to the frame.
// Segments whose pasted ratio falls outside 0-40 % (or below MIN_MASK_RATIO) are rejected and redrawn; a
// balanced test set asks for a bucket per item and rejects until the ratio lands in it.
//
// Labels of I_G come from the panoptic annotations when present (PNG ids = R + 256 G + 256^2 B, categories
// mapped to our classes by name), else from the instance annotations over a "photo" background.
//
// Layout (download from the COCO site for users with internet; e.g. val2017 + annotations_trainval2017 +
// panoptic_annotations_trainval2017):
//   <root>/annotations/instances_<split>.json   <root>/<split>/*.jpg
//   <root>/annotations/panoptic_<split>.json    <root>/annotations/panoptic_<split>/*.png   (optional)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Prng, deriveSeed } from '../random/prng';
import { type Raster, type Mask, maskArea, checkSize } from '../image/raster';
import { readImage, readImageBytes } from '../image/io';
import { coverGeometry, resize, crop, nearestIndexMap } from '../image/resize';
import { CLASS_ID } from './classes';
import { type PanopticLabels, createLabels, pasteInstance } from './labels';
import { segmentationToMask } from './rle';
import { pasteSprite } from './paste';
import { MASK_RATIO_BUCKETS, MIN_MASK_RATIO, bucketOf, balancedBucket } from './buckets';
import type { Triplet } from './triplets';

export interface CocoPaths {
  instances: string; // instances JSON
  images: string; // folder of the images
  panoptic?: string; // panoptic JSON (optional)
  panopticPngs?: string; // folder of panoptic PNGs (optional)
}

/** Standard COCO layout under `root` for a split such as "val2017"; the panoptic part is used if it exists. */
export function cocoPaths(root: string, split: string): CocoPaths {
  const panoptic = path.join(root, 'annotations', `panoptic_${split}.json`);
  const has = fs.existsSync(panoptic);
  return {
    instances: path.join(root, 'annotations', `instances_${split}.json`),
    images: path.join(root, split),
    panoptic: has ? panoptic : undefined,
    panopticPngs: has ? path.join(root, 'annotations', `panoptic_${split}`) : undefined,
  };
}

interface CocoImage {
  id: number;
  file_name: string;
  height: number;
  width: number;
}
interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  segmentation: unknown;
  iscrowd?: number;
}
interface CocoCategory {
  id: number;
  name: string;
  isthing?: number;
}
interface PanopticSegment {
  id: number;
  category_id: number;
  iscrowd?: number;
}
interface PanopticAnnotation {
  image_id: number;
  file_name: string;
  segments_info: PanopticSegment[];
}

export interface CocoIndex {
  paths: CocoPaths;
  images: Map<number, CocoImage>;
  imageIds: number[]; // sorted, for deterministic choice
  annotationsByImage: Map<number, CocoAnnotation[]>;
  persons: CocoAnnotation[]; // non-crowd person annotations, sorted by id
  categories: Map<number, CocoCategory>; // instances categories
  panoptic: Map<number, PanopticAnnotation>; // by image id
  panopticCategories: Map<number, CocoCategory>;
}

function readJson(file: string, what: string): unknown {
  if (!fs.existsSync(file)) throw new Error(`COCO: ${what} file not found: ${file}`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`COCO: malformed JSON in ${file}: ${(e as Error).message}`);
  }
}

function listField<T>(json: unknown, field: string, file: string): T[] {
  const v = (json as Record<string, unknown>)?.[field];
  if (!Array.isArray(v)) throw new Error(`COCO: ${file} has no "${field}" list`);
  return v as T[];
}

export function loadCocoIndex(paths: CocoPaths): CocoIndex {
  const json = readJson(paths.instances, 'instances');
  const images = new Map<number, CocoImage>();
  for (const im of listField<CocoImage>(json, 'images', paths.instances)) {
    if (typeof im.id !== 'number' || typeof im.file_name !== 'string' || !(im.height > 0) || !(im.width > 0)) {
      throw new Error(
        `COCO: ${paths.instances}: image entry ${JSON.stringify(im).slice(0, 80)} needs id, file_name, height, width`,
      );
    }
    images.set(im.id, im);
  }
  const categories = new Map<number, CocoCategory>();
  for (const c of listField<CocoCategory>(json, 'categories', paths.instances)) categories.set(c.id, c);
  const personIds = [...categories.values()].filter((c) => c.name === 'person').map((c) => c.id);
  const annotationsByImage = new Map<number, CocoAnnotation[]>();
  const persons: CocoAnnotation[] = [];
  for (const a of listField<CocoAnnotation>(json, 'annotations', paths.instances)) {
    if (!images.has(a.image_id))
      throw new Error(`COCO: ${paths.instances}: annotation ${a.id} refers to unknown image ${a.image_id}`);
    if (!annotationsByImage.has(a.image_id)) annotationsByImage.set(a.image_id, []);
    annotationsByImage.get(a.image_id)!.push(a);
    if (personIds.includes(a.category_id) && !a.iscrowd) persons.push(a);
  }
  if (persons.length === 0)
    throw new Error(`COCO: no person annotations (non-crowd, category "person") in ${paths.instances}`);
  if (images.size < 2)
    throw new Error(`COCO: ${paths.instances} needs at least 2 images (one to take a person from, one to paste onto)`);
  persons.sort((a, b) => a.id - b.id);

  const panoptic = new Map<number, PanopticAnnotation>();
  const panopticCategories = new Map<number, CocoCategory>();
  if (paths.panoptic) {
    const pj = readJson(paths.panoptic, 'panoptic');
    for (const c of listField<CocoCategory>(pj, 'categories', paths.panoptic)) panopticCategories.set(c.id, c);
    for (const a of listField<PanopticAnnotation>(pj, 'annotations', paths.panoptic)) panoptic.set(a.image_id, a);
  }
  return {
    paths,
    images,
    imageIds: [...images.keys()].sort((a, b) => a - b),
    annotationsByImage,
    persons,
    categories,
    panoptic,
    panopticCategories,
  };
}

/** Our class for a COCO category, by name (COCO panoptic "stuff" names such as "sky-other-merged"). */
export function classForCategory(c: CocoCategory | undefined, isThing: boolean): number {
  if (!c) return CLASS_ID.photo;
  const n = c.name.toLowerCase();
  if (n === 'person') return CLASS_ID.person;
  if (isThing) return CLASS_ID.thing;
  const has = (...words: string[]) => words.some((w) => n.includes(w));
  if (has('sky')) return CLASS_ID.sky;
  if (has('water', 'sea', 'river', 'waterdrops')) return CLASS_ID.water;
  if (has('tree', 'grass', 'bush', 'plant', 'flower', 'leaves', 'moss', 'straw')) return CLASS_ID.vegetation;
  if (has('wall', 'building', 'house', 'fence', 'bridge', 'tent', 'roof', 'ceiling', 'window', 'door'))
    return CLASS_ID.wall;
  if (
    has(
      'floor',
      'road',
      'pavement',
      'ground',
      'sand',
      'dirt',
      'gravel',
      'snow',
      'mountain',
      'hill',
      'rock',
      'stone',
      'playingfield',
      'platform',
      'railroad',
      'rug',
      'carpet',
      'mud',
    )
  )
    return CLASS_ID.ground;
  return CLASS_ID.photo;
}

/** Geometry that brings an image to height x width (cover + center crop) and applies it to masks / labels. */
function coverMapper(srcH: number, srcW: number, height: number, width: number) {
  const g = coverGeometry(srcH, srcW, height, width);
  const scaled = nearestIndexMap(srcH, srcW, g.scaledH, g.scaledW);
  const index = new Int32Array(height * width);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) index[y * width + x] = scaled[(y + g.top) * g.scaledW + x + g.left];
  return {
    image: (r: Raster) => crop(resize(r, g.scaledH, g.scaledW), g.top, g.left, height, width),
    index, // source pixel of each output pixel (nearest)
  };
}

async function loadImage(index: CocoIndex, id: number): Promise<{ meta: CocoImage; raster: Raster }> {
  const meta = index.images.get(id)!;
  const raster = await readImage(path.join(index.paths.images, meta.file_name), 3);
  if (raster.height !== meta.height || raster.width !== meta.width) {
    throw new Error(
      `COCO: ${meta.file_name} is ${raster.height}x${raster.width} but ${index.paths.instances} says ` +
        `${meta.height}x${meta.width}`,
    );
  }
  return { meta, raster };
}

/** Panoptic labels of an image at its own size. */
export async function cocoLabels(index: CocoIndex, id: number): Promise<PanopticLabels> {
  const meta = index.images.get(id)!;
  const labels = createLabels(meta.height, meta.width, CLASS_ID.photo);
  const pan = index.panoptic.get(id);
  if (pan && index.paths.panopticPngs) {
    const file = path.join(index.paths.panopticPngs, pan.file_name);
    const png = await readImageBytes(file);
    if (png.height !== meta.height || png.width !== meta.width || png.channels < 3) {
      throw new Error(
        `COCO: panoptic PNG ${file} must be RGB ${meta.height}x${meta.width}, got ` +
          `${png.height}x${png.width}x${png.channels}`,
      );
    }
    const segs = new Map<number, { cls: number; instance: number }>();
    let nextInstance = 1;
    for (const s of pan.segments_info) {
      const cat = index.panopticCategories.get(s.category_id);
      const isThing = cat?.isthing === 1;
      const cls = classForCategory(cat, isThing);
      segs.set(s.id, { cls, instance: isThing && !s.iscrowd ? nextInstance++ : 0 });
    }
    for (let i = 0; i < meta.height * meta.width; i++) {
      const c = png.channels;
      const segId = png.data[i * c] + 256 * png.data[i * c + 1] + 65536 * png.data[i * c + 2];
      const s = segs.get(segId); // id 0 (void) and unknown ids stay "photo"
      if (s) {
        labels.semantic[i] = s.cls;
        labels.instance[i] = s.instance;
      }
    }
    return labels;
  }
  let nextInstance = 1;
  for (const a of index.annotationsByImage.get(id) ?? []) {
    const m = segmentationToMask(
      a.segmentation,
      meta.height,
      meta.width,
      `${index.paths.instances}: annotation ${a.id}`,
    );
    const cls = classForCategory(index.categories.get(a.category_id), true);
    const inst = a.iscrowd ? 0 : nextInstance++;
    for (let i = 0; i < m.data.length; i++)
      if (m.data[i]) {
        labels.semantic[i] = cls;
        labels.instance[i] = inst;
      }
  }
  return labels;
}

function mapLabels(l: PanopticLabels, idx: Int32Array, height: number, width: number): PanopticLabels {
  const out = createLabels(height, width, 0);
  for (let i = 0; i < idx.length; i++) {
    out.semantic[i] = l.semantic[idx[i]];
    out.instance[i] = l.instance[idx[i]];
  }
  return out;
}

export interface CocoTripletOptions {
  height: number;
  width: number;
  split?: 'train' | 'test'; // test: balanced buckets by index
  bucket?: number;
  maxAttempts?: number; // default 200
}

/** Triplet `index` of a COCO-derived dataset, deterministic in (seed, index). */
export async function makeCocoTriplet(
  coco: CocoIndex,
  seed: number,
  index: number,
  opts: CocoTripletOptions,
): Promise<Triplet> {
  const { height: H, width: W } = opts;
  checkSize(H, W, 'makeCocoTriplet');
  if (
    opts.bucket !== undefined &&
    !(Number.isInteger(opts.bucket) && opts.bucket >= 0 && opts.bucket < MASK_RATIO_BUCKETS.length)
  ) {
    throw new Error(`makeCocoTriplet: bucket must be 0..${MASK_RATIO_BUCKETS.length - 1}, got ${opts.bucket}`);
  }
  const want = opts.bucket ?? (opts.split === 'test' ? balancedBucket(index) : -1);
  const rng = new Prng(deriveSeed(seed, index, 0xc0c0));
  const N = H * W;
  for (let attempt = 0; attempt < (opts.maxAttempts ?? 200); attempt++) {
    const ann = rng.pick(coco.persons);
    let targetId = rng.pick(coco.imageIds);
    if (targetId === ann.image_id)
      targetId = coco.imageIds[(coco.imageIds.indexOf(targetId) + 1) % coco.imageIds.length];
    const src = coco.images.get(ann.image_id)!;
    const full = segmentationToMask(
      ann.segmentation,
      src.height,
      src.width,
      `${coco.paths.instances}: annotation ${ann.id}`,
    );
    const srcMap = coverMapper(src.height, src.width, H, W);
    const mask: Mask = { height: H, width: W, data: new Uint8Array(N) };
    for (let i = 0; i < N; i++) mask.data[i] = full.data[srcMap.index[i]];
    const area = maskArea(mask);
    const ratio = area / N;
    if (area === 0 || ratio < MIN_MASK_RATIO || bucketOf(ratio) < 0 || (want >= 0 && bucketOf(ratio) !== want))
      continue;
    // the person's bounding box becomes a sprite pasted at a random position that keeps it inside the frame
    let y0 = H,
      y1 = -1,
      x0 = W,
      x1 = -1;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        if (mask.data[y * W + x]) {
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
        }
    const sh = y1 - y0 + 1;
    const sw = x1 - x0 + 1;
    const source = srcMap.image((await loadImage(coco, ann.image_id)).raster);
    const sprite = { height: sh, width: sw, rgb: new Float32Array(sh * sw * 3), mask: new Uint8Array(sh * sw) };
    for (let y = 0; y < sh; y++) {
      for (let x = 0; x < sw; x++) {
        const s = (y + y0) * W + x + x0;
        sprite.mask[y * sw + x] = mask.data[s];
        for (let c = 0; c < 3; c++) sprite.rgb[(y * sw + x) * 3 + c] = source.data[s * 3 + c];
      }
    }
    const target = await loadImage(coco, targetId);
    const tMap = coverMapper(target.meta.height, target.meta.width, H, W);
    const background = tMap.image(target.raster);
    const backgroundLabels = mapLabels(await cocoLabels(coco, targetId), tMap.index, H, W);
    const pasted = pasteSprite(background, sprite, rng.int(0, H - sh + 1), rng.int(0, W - sw + 1));
    const { labels, instanceId } = pasteInstance(backgroundLabels, pasted.mask);
    return {
      image: pasted.image,
      background,
      mask: pasted.mask,
      maskRatio: ratio,
      bucket: bucketOf(ratio),
      labels,
      backgroundLabels,
      personInstance: instanceId,
      sceneKind: 'photo',
    };
  }
  const which = want >= 0 ? ` in bucket ${MASK_RATIO_BUCKETS[want].label}` : '';
  throw new Error(
    `COCO: no person segment${which} found after ${opts.maxAttempts ?? 200} draws (${coco.paths.instances}, ${H}x${W})`,
  );
}
