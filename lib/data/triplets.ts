// Training / test triplets (I, I_G, M_G) as in paper Sec. III-A: one person-like object pasted at a random
// location onto a random background. I = with the object, I_G = background, M_G = pasted object's mask.
// Each item is generated from (seed, index) alone, so items can be made in any order and cached.
//
// Mask-ratio control: every item has a target bucket (0-10, 10-20, 20-30, 30-40 %). The person's scale is
// searched so the visible mask ratio lands in that bucket (area grows with scale squared; a few multiplicative
// corrections, new placement each time, a new person if that fails). Test sets use balancedBucket(index), so
// buckets get equal counts; training sets draw the bucket uniformly at random from the item's seed.
import { Prng, deriveSeed } from '../random/prng';
import { Raster, Mask, maskArea, checkSize } from '../image/raster';
import { PanopticLabels, pasteInstance } from './labels';
import { generateScene, SceneOptions, SceneKind } from './scene';
import { randomPerson, renderPerson } from './person';
import { pasteSprite } from './paste';
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
  const scene = generateScene(deriveSeed(seed, index, 0), H, W, opts.scene);
  const rng = new Prng(deriveSeed(seed, index, 1));
  const { lo, hi } = MASK_RATIO_BUCKETS[bucket];
  const minRatio = Math.max(lo, MIN_MASK_RATIO);
  const N = H * W;
  for (let attempt = 0; attempt < MAX_PEOPLE; attempt++) {
    const spec = randomPerson(rng);
    const target = rng.uniform(minRatio + 0.1 * (hi - minRatio), hi - 0.1 * (hi - minRatio));
    // first guess: a person as tall as the image covers roughly 15% of it; then correct the scale once from
    // the rendered (unclipped) area, which grows with the scale squared
    let pixelsPerUnit = Math.max(H, W) * Math.sqrt(target / 0.15);
    let sprite = renderPerson(spec, pixelsPerUnit);
    pixelsPerUnit *= Math.sqrt((target * N) / Math.max(1, maskArea({ height: sprite.height, width: sprite.width, data: sprite.mask })));
    for (let step = 0; step < MAX_SCALE_STEPS; step++) {
      sprite = renderPerson(spec, pixelsPerUnit);
      let ratio = 0;
      for (let place = 0; place < 3; place++) { // clipping at the border depends on the placement
        const top = sprite.height <= H ? rng.int(0, H - sprite.height + 1) : Math.round(-rng.uniform(0, 0.2) * (sprite.height - H));
        const left = sprite.width <= W
          ? Math.round(rng.uniform(-0.15 * sprite.width, W - 0.85 * sprite.width))
          : Math.round(rng.uniform(W - sprite.width, 0));
        const { image, mask } = pasteSprite(scene.image, sprite, top, left);
        const area = maskArea(mask);
        ratio = area / N;
        if (area > 0 && ratio >= minRatio && bucketOf(ratio) === bucket) {
          const { labels, instanceId } = pasteInstance(scene.labels, mask);
          return {
            image, background: scene.image, mask, maskRatio: ratio, bucket, labels,
            backgroundLabels: scene.labels, personInstance: instanceId, sceneKind: scene.kind,
          };
        }
      }
      pixelsPerUnit *= Math.sqrt(target / Math.max(ratio, 1e-4));
    }
  }
  throw new Error(`makeTriplet: could not place a person in bucket ${MASK_RATIO_BUCKETS[bucket].label} at ${H}x${W} (seed ${seed}, item ${index})`);
}

/** Items start..start+count-1 of a dataset. */
export function makeTriplets(seed: number, count: number, opts: TripletOptions, start = 0): Triplet[] {
  const out: Triplet[] = [];
  for (let i = start; i < start + count; i++) out.push(makeTriplet(seed, i, opts));
  return out;
}
