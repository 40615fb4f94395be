// Training / test triplets (I, I_G, M_G) as in paper Sec. III-A: one person-like object pasted at a random
// location onto a random background. I = with the object, I_G = background, M_G = pasted object's mask.
// Each item is generated from (seed, index) alone, so items can be made in any order and cached.
//
// Mask-ratio control: every item has a target bucket (0-10, 10-20, 20-30, 30-40 %). The person's scale is
// searched so the visible mask ratio lands in that bucket (area grows with scale squared; a few multiplicative
// corrections, new placement each time, a new person if that fails). Test sets use balancedBucket(index), so
// buckets get equal counts; training sets draw the bucket uniformly at random from the item's seed.
//
// Sources. Without `sources`: a procedural scene (lib/data/scene.ts) and a procedural person, as always. With them
// (TripletSources): a photo background with probability photoShare (lib/data/photos.ts photoCrop; labelled as the
// one "photo" stuff class), else a procedural scene; the pasted person procedural, or a real cutout from one of the
// cutout groups (vtest.avi's people, the Tux Paint firemen) by the groups' shares, resized with its alpha and
// mirrored half of the time. The choices come from their own streams of (seed, index), so an item stays a pure
// function of (seed, index, sources).
import { Prng, deriveSeed } from '../random/prng';
import { type Raster, type Mask, maskArea, checkSize } from '../image/raster';
import { type PanopticLabels, createLabels, pasteInstance } from './labels';
import { generateScene, type Scene, type SceneOptions, type SceneKind } from './scene';
import { randomPerson, renderPerson } from './person';
import { type Sprite, pasteSprite } from './paste';
import { type Photo, loadFiremen, loadPhotos, photoCrop } from './photos';
import { loadVtestCutouts, openVtestTestRange, vtestTestCutout, vtestTriplet } from './vtest';
import { CLASS_ID } from './classes';
import { cocoPaths, loadCocoIndex, makeCocoTriplet } from './coco';
import { resize } from '../image/resize';
import { MASK_RATIO_BUCKETS, MIN_MASK_RATIO, bucketOf, balancedBucket } from './buckets';

export interface Triplet {
  image: Raster; // I   [H, W, 3] with the pasted person
  background: Raster; // I_G [H, W, 3] without it
  mask: Mask; // M_G  1 on the pasted person's visible pixels
  maskRatio: number; // |M_G| / (H * W)
  bucket: number; // index into MASK_RATIO_BUCKETS
  labels: PanopticLabels; // panoptic labels of I (the person is instance `personInstance`)
  backgroundLabels: PanopticLabels; // panoptic labels of I_G
  personInstance: number;
  sceneKind: SceneKind;
}

export type Split = 'train' | 'test';

export interface TripletOptions {
  height: number;
  width: number;
  split?: Split; // default 'train'
  /** Force a bucket (0..3) instead of the split's rule. */
  bucket?: number;
  scene?: SceneOptions;
  sources?: TripletSources;
}

/** Real backgrounds and people to mix with the procedural ones (see the header). */
export interface TripletSources {
  photos: readonly Photo[];
  /** probability of a photo background */
  photoShare: number;
  /** real person cutouts, each group with its probability; a procedural person the rest of the time */
  cutouts: readonly { name: string; sprites: readonly Sprite[]; share: number }[];
}

/** The sprite resized to `height` px (alpha-weighted antialiased resize; mask where coverage >= 1/2), optionally
 *  mirrored left-right. */
export function resizeSprite(sprite: Sprite, height: number, mirror: boolean): Sprite {
  const h = Math.max(2, Math.round(height));
  const w = Math.max(1, Math.round((sprite.width * h) / sprite.height));
  const n = sprite.height * sprite.width;
  const premultiplied = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const a = sprite.mask[i];
    for (let c = 0; c < 3; c++) premultiplied[4 * i + c] = sprite.rgb[3 * i + c] * a;
    premultiplied[4 * i + 3] = a;
  }
  const r = resize({ height: sprite.height, width: sprite.width, channels: 4, data: premultiplied }, h, w);
  const rgb = new Float32Array(h * w * 3);
  const mask = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + (mirror ? w - 1 - x : x)) * 4;
      const t = y * w + x;
      const a = r.data[s + 3];
      mask[t] = a >= 0.5 ? 1 : 0;
      for (let c = 0; c < 3; c++) rgb[3 * t + c] = a > 1e-6 ? Math.min(1, Math.max(0, r.data[s + c] / a)) : 0;
    }
  }
  return { height: h, width: w, rgb, mask };
}

const MAX_CROP_RETRIES = 10;

/** A crop with nothing to inpaint: mostly blown-out white (the studio backgrounds of gcompris' tool photos) or flat
 *  (gray standard deviation < 0.03): Telea fills such crops exactly (infinite PSNR), they measure nothing. */
function isBlank(r: Raster): boolean {
  const n = r.height * r.width;
  let white = 0;
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    const [red, g, b] = [r.data[3 * i], r.data[3 * i + 1], r.data[3 * i + 2]];
    if (red > 0.97 && g > 0.97 && b > 0.97) white++;
    const y = 0.2125 * red + 0.7154 * g + 0.0721 * b;
    sum += y;
    sum2 += y * y;
  }
  const std = Math.sqrt(Math.max(0, sum2 / n - (sum / n) ** 2));
  return white > n / 2 || std < 0.03;
}

/** The item's background: a photo crop (labelled "photo"; a blank crop is redrawn) or a procedural scene. */
function backgroundFor(seed: number, index: number, H: number, W: number, opts: TripletOptions): Scene {
  const src = opts.sources;
  const rng = new Prng(deriveSeed(seed, index, 3));
  if (src && src.photos.length > 0 && rng.chance(src.photoShare)) {
    let image = photoCrop(rng.pick(src.photos), rng, H, W);
    for (let retry = 0; retry < MAX_CROP_RETRIES && isBlank(image); retry++)
      image = photoCrop(rng.pick(src.photos), rng, H, W);
    return { kind: 'photo', image, labels: createLabels(H, W, CLASS_ID.photo), horizon: 0.5 };
  }
  return generateScene(deriveSeed(seed, index, 0), H, W, opts.scene);
}

/** A person to paste, as a function of its scale (procedural: pixels per body unit; a cutout: its height in px). */
function personFor(rng: Prng, pick: Prng, sources: TripletSources | undefined): (scale: number) => Sprite {
  let u = sources ? pick.next() : 1;
  for (const group of sources?.cutouts ?? []) {
    if (u < group.share && group.sprites.length > 0) {
      const cutout = pick.pick(group.sprites);
      const mirror = pick.chance(0.5);
      return (scale) => resizeSprite(cutout, scale, mirror);
    }
    u -= group.share;
  }
  const spec = randomPerson(rng);
  return (scale) => renderPerson(spec, scale);
}

const MAX_PEOPLE = 20; // new person attempts per item
const MAX_SCALE_STEPS = 6; // scale corrections per person

export function bucketForItem(seed: number, index: number, split: Split): number {
  if (split === 'test') return balancedBucket(index);
  return new Prng(deriveSeed(seed, index, 2)).int(0, MASK_RATIO_BUCKETS.length);
}

export function makeTriplet(seed: number, index: number, opts: TripletOptions): Triplet {
  const { height: H, width: W } = opts;
  checkSize(H, W, 'makeTriplet');
  if (Math.min(H, W) < 16) throw new Error(`makeTriplet: images must be at least 16x16, got ${H}x${W}`);
  const bucket = opts.bucket ?? bucketForItem(seed, index, opts.split ?? 'train');
  if (!Number.isInteger(bucket) || bucket < 0 || bucket >= MASK_RATIO_BUCKETS.length) {
    throw new Error(`makeTriplet: bucket must be 0..${MASK_RATIO_BUCKETS.length - 1}, got ${bucket}`);
  }
  const scene = backgroundFor(seed, index, H, W, opts);
  const rng = new Prng(deriveSeed(seed, index, 1));
  const pick = new Prng(deriveSeed(seed, index, 4));
  const { lo, hi } = MASK_RATIO_BUCKETS[bucket];
  const minRatio = Math.max(lo, MIN_MASK_RATIO);
  const N = H * W;
  for (let attempt = 0; attempt < MAX_PEOPLE; attempt++) {
    const render = personFor(rng, pick, opts.sources);
    const target = rng.uniform(minRatio + 0.1 * (hi - minRatio), hi - 0.1 * (hi - minRatio));
    // first guess: a person as tall as the image covers roughly 15% of it; then correct the scale once from
    // the rendered (unclipped) area, which grows with the scale squared
    let pixelsPerUnit = Math.max(H, W) * Math.sqrt(target / 0.15);
    let sprite = render(pixelsPerUnit);
    pixelsPerUnit *= Math.sqrt(
      (target * N) / Math.max(1, maskArea({ height: sprite.height, width: sprite.width, data: sprite.mask })),
    );
    for (let step = 0; step < MAX_SCALE_STEPS; step++) {
      sprite = render(pixelsPerUnit);
      let ratio = 0;
      for (let place = 0; place < 3; place++) {
        // clipping at the border depends on the placement
        const top =
          sprite.height <= H
            ? rng.int(0, H - sprite.height + 1)
            : Math.round(-rng.uniform(0, 0.2) * (sprite.height - H));
        const left =
          sprite.width <= W
            ? Math.round(rng.uniform(-0.15 * sprite.width, W - 0.85 * sprite.width))
            : Math.round(rng.uniform(W - sprite.width, 0));
        const { image, mask } = pasteSprite(scene.image, sprite, top, left);
        const area = maskArea(mask);
        ratio = area / N;
        if (area > 0 && ratio >= minRatio && bucketOf(ratio) === bucket) {
          const { labels, instanceId } = pasteInstance(scene.labels, mask);
          return {
            image,
            background: scene.image,
            mask,
            maskRatio: ratio,
            bucket,
            labels,
            backgroundLabels: scene.labels,
            personInstance: instanceId,
            sceneKind: scene.kind,
          };
        }
      }
      pixelsPerUnit *= Math.sqrt(target / Math.max(ratio, 1e-4));
    }
  }
  throw new Error(
    `makeTriplet: could not place a person in bucket ${MASK_RATIO_BUCKETS[bucket].label} at ${H}x${W} (seed ${seed}, ` +
      `item ${index})`,
  );
}

/** Items start..start+count-1 of a dataset. */
export function makeTriplets(seed: number, count: number, opts: TripletOptions, start = 0): Triplet[] {
  const out: Triplet[] = [];
  for (let i = start; i < start + count; i++) out.push(makeTriplet(seed, i, opts));
  return out;
}

/** The test sets (lib/eval/experiments.ts names them): procedural scenes; people pasted onto photos of one split of
 *  the library ('photo-test': the test split, 'photo-validation': the validation split); vtest.avi's pedestrians. */
export type TestSetKind = 'procedural' | 'photo-test' | 'photo-validation' | 'vtest' | 'coco';
export const TEST_SET_KINDS: readonly TestSetKind[] = ['procedural', 'photo-test', 'photo-validation', 'vtest', 'coco'];

export interface TestSetSpec {
  kind: TestSetKind;
  seed: number;
  count: number;
  size: number;
  /** photo and vtest sets: bumped whenever their construction changes, so old results are not mixed in */
  version?: number;
  /** coco: the user's COCO copy and split (the paper's test triplets, lib/data/coco.ts makeCocoTriplet) */
  coco?: { root: string; split: string };
}

/**
 * Item i of a test set, random access. procedural: makeTriplet(seed, i, split 'test'). photo-test and
 * photo-validation: makeTriplet on the split's photos only (photoShare 1); pasted people half procedural, half
 * real: for photo-test vtest.avi's test-range people (never pasted in training), for photo-validation its
 * training cutouts and the firemen. vtest: vtestTriplet. coco: makeCocoTriplet on the user's copy (split 'test').
 */
export async function openTestSet(t: TestSetSpec): Promise<(index: number) => Promise<Triplet>> {
  const opts = { height: t.size, width: t.size, split: 'test' as const };
  if (t.kind === 'procedural') return async (i) => makeTriplet(t.seed, i, opts);
  if (t.kind === 'coco') {
    if (!t.coco) throw new Error(`test set 'coco' needs the COCO root and split`);
    const index = loadCocoIndex(cocoPaths(t.coco.root, t.coco.split));
    return (i) => makeCocoTriplet(index, t.seed, i, opts);
  }
  if (t.kind === 'vtest') {
    const range = await openVtestTestRange();
    const perBucket = Math.ceil(t.count / MASK_RATIO_BUCKETS.length);
    return (i) => vtestTriplet(range, t.seed, i, t.size, perBucket);
  }
  const testSplit = t.kind === 'photo-test';
  let people: Sprite[];
  if (testSplit) {
    const range = await openVtestTestRange();
    // every 5th frame's people: consecutive frames show the same pose
    const chosen = range.people.filter((p) => p.frame % 5 === 0);
    people = await Promise.all(chosen.map((p) => vtestTestCutout(range, p)));
  } else {
    people = [...(await loadVtestCutouts()), ...(await loadFiremen())];
  }
  const sources: TripletSources = {
    photos: await loadPhotos(testSplit ? 'test' : 'validation'),
    photoShare: 1,
    cutouts: [{ name: testSplit ? 'vtest-test-range' : 'vtest-and-firemen', sprites: people, share: 0.5 }],
  };
  return async (i) => makeTriplet(t.seed, i, { ...opts, sources });
}
