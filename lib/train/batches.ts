// Training batches from the triplet generator (lib/data/triplets.ts). The data order is a pure function
// of (dataSeed, pairs, sample counter): sample k of the run is item perm_e[k mod pairs] of the train split, with
// e = floor(k / pairs) the epoch and perm_e a Fisher-Yates shuffle seeded by (dataSeed, e). So the whole
// data-order state of a run is its step count, and a resumed run sees the same batches as an uninterrupted one.
//
// Mask variants (paper Table II):
//   object: the source image is I (with the pasted person) and the mask M_G, as in the paper's own training;
//   random: the source image is I_G and the mask a DeepFill v2 free-form mask (lib/data/irregularMasks.ts), "an
//           original image randomly masked". Our choice: its hole ratio is drawn in the same mask-ratio bucket as the
//           item's M_G, so both variants see the same distribution of hole sizes and differ only in hole shape.
// Either way the targets are I_G, its Canny edges and its labels.
//
// Data sources (the preset's DataMix, `--data`): 'photos' puts 75 % of the items on crops of the photo library's
// train split and pastes real people (vtest.avi's training range, the Tux Paint firemen) on half of them
// (lib/data/triplets.ts TripletSources); 'procedural' is the embedded generator alone; 'coco:ROOT' the paper's
// triplets from a local COCO copy (read from disk: prepareBatch(step) loads them before makeBatch(step)).
// loadTrainingData reads the data once per process; the items stay a pure function of (dataSeed, item index, data).
import * as tf from '@tensorflow/tfjs';
import { Prng, deriveSeed } from '../random/prng';
import { makeTriplet, type Triplet, type TripletSources } from '../data/triplets';
import { loadFiremen, loadPhotos, photoLibraryDir, readPhotoManifest } from '../data/photos';
import { loadVtestCutouts } from '../data/vtest';
import { type CocoIndex, cocoPaths, loadCocoIndex, makeCocoTriplet } from '../data/coco';
import type { DataMix } from '../config/presets';
import { irregularMask } from '../data/irregularMasks';
import { MASK_RATIO_BUCKETS, MIN_MASK_RATIO } from '../data/buckets';
import { semanticOneHot, type PanopticLabels, instanceBoundaryTarget } from '../data/labels';
import { canny } from '../image/canny';
import { grayscale } from '../image/grayscale';
import { normalizedSignedDistance } from '../image/distance';
import { type Mask, type Raster, invertMask } from '../image/raster';

export type MaskKind = 'object' | 'random';

export interface DataConfig {
  size: number;
  batch: number;
  pairs: number;
  dataSeed: number;
  masks: MaskKind;
  cannySigma: number;
  /** photo backgrounds and real people (loadTrainingData); procedural data alone when absent */
  sources?: TripletSources;
  /** COCO instead (loadTrainingData; prepareBatch before makeBatch) */
  coco?: CocoData;
}

/** Training items read from a local COCO copy (async, from disk): prepareBatch loads a step's items. */
export interface CocoData {
  index: CocoIndex;
  items: Map<number, Triplet>;
}

/** The photos and cutouts, or the COCO index, a data mix needs (nothing for procedural data). A missing photo
 *  library is one clear error. */
export async function loadTrainingData(mix: DataMix): Promise<{ sources?: TripletSources; coco?: CocoData }> {
  if (mix.coco) return { coco: { index: loadCocoIndex(cocoPaths(mix.coco.root, mix.coco.split)), items: new Map() } };
  if (mix.photoShare === 0 && mix.vtestShare === 0 && mix.firemenShare === 0) return {};
  readPhotoManifest(photoLibraryDir()); // throws the one-line "missing, run bash scripts/fetch-photos.sh" message
  return {
    sources: {
      photos: await loadPhotos('train'),
      photoShare: mix.photoShare,
      cutouts: [
        { name: 'vtest', sprites: await loadVtestCutouts(), share: mix.vtestShare },
        { name: 'firemen', sprites: await loadFiremen(), share: mix.firemenShare },
      ],
    },
  };
}

/** Loads the COCO items of step `step` (and forgets the previous step's); without COCO data it does nothing. */
export async function prepareBatch(step: number, c: DataConfig): Promise<void> {
  if (!c.coco) return;
  const wanted = Array.from({ length: c.batch }, (_, j) => itemOfSample(step * c.batch + j, c.pairs, c.dataSeed));
  const items = new Map<number, Triplet>();
  for (const i of wanted) {
    items.set(
      i,
      c.coco.items.get(i) ??
        (await makeCocoTriplet(c.coco.index, c.dataSeed, i, { height: c.size, width: c.size, split: 'train' })),
    );
  }
  c.coco.items = items;
}

/** Everything any stage needs, [B,H,W,C] float32. "source" = what the networks see (I, or I_G for random masks). */
export interface Batch {
  image: tf.Tensor4D; // source RGB
  gray: tf.Tensor4D; // its gray [.,1]
  edges: tf.Tensor4D; // its Canny edges [.,1]
  knownEdges: tf.Tensor4D; // its Canny edges computed on the known pixels only (1 - mask), as at test time [.,1]
  segmentation: tf.Tensor4D; // its one-hot labels [.,K]
  boundary: tf.Tensor4D; // its instance-boundary target [.,1] (L_PS)
  mask: tf.Tensor4D; // hole, 1 = masked [.,1]
  phi: tf.Tensor4D; // normalised signed distance of the mask [.,1] (L_X)
  target: tf.Tensor4D; // I_G RGB
  targetGray: tf.Tensor4D;
  targetEdges: tf.Tensor4D;
  targetSegmentation: tf.Tensor4D; // one-hot labels of I_G [.,K]
}

const permutations = new Map<string, Int32Array>();

/** Item index of sample k (0-based over the whole run). */
export function itemOfSample(k: number, pairs: number, dataSeed: number): number {
  if (!Number.isInteger(pairs) || pairs < 1) throw new Error(`pairs must be a positive integer, got ${pairs}`);
  const epoch = Math.floor(k / pairs);
  const key = `${dataSeed}:${pairs}:${epoch}`;
  let perm = permutations.get(key);
  if (!perm) {
    const rng = new Prng(deriveSeed(dataSeed, 0x5eed, epoch));
    perm = Int32Array.from({ length: pairs }, (_, i) => i);
    for (let i = pairs - 1; i > 0; i--) {
      const j = rng.int(0, i + 1);
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    permutations.clear(); // one epoch at a time is enough
    permutations.set(key, perm);
  }
  return perm[k % pairs];
}

interface Sample {
  image: Raster;
  labels: PanopticLabels;
  mask: Mask;
  triplet: Triplet;
}

function sampleFor(k: number, c: DataConfig): Sample {
  const item = itemOfSample(k, c.pairs, c.dataSeed);
  const triplet = c.coco
    ? c.coco.items.get(item)
    : makeTriplet(c.dataSeed, item, { height: c.size, width: c.size, split: 'train', sources: c.sources });
  if (!triplet)
    throw new Error(`COCO item ${item} of sample ${k} is not loaded: call prepareBatch(step, config) before makeBatch`);
  if (c.masks === 'object') return { image: triplet.image, labels: triplet.labels, mask: triplet.mask, triplet };
  const { lo, hi } = MASK_RATIO_BUCKETS[triplet.bucket];
  // a new random mask per sample (not per item): repeated epochs see new holes
  const mask = irregularMask(deriveSeed(c.dataSeed, 0x3a5c), k, c.size, c.size, Math.max(lo, MIN_MASK_RATIO), hi);
  return { image: triplet.background, labels: triplet.backgroundLabels, mask, triplet };
}

/** A batch as plain arrays, [B,H,W,C] each: what a worker thread hands over (lib/train/batchPrefetch.ts). */
export type BatchArrays = Record<keyof Batch, { data: Float32Array; shape: [number, number, number, number] }>;

/** The arrays of the batch of step `step` (0-based). */
export function batchArrays(step: number, c: DataConfig): BatchArrays {
  const { size: s, batch: b } = c;
  const samples = Array.from({ length: b }, (_, j) => sampleFor(step * b + j, c));
  const stack = (parts: ArrayLike<number>[], channels: number) => {
    const data = new Float32Array(b * s * s * channels);
    parts.forEach((p, j) => data.set(p, j * s * s * channels));
    return { data, shape: [b, s, s, channels] as [number, number, number, number] };
  };
  const edgesOf = (r: Raster) => canny(r, { sigma: c.cannySigma }).data;
  const k = semanticOneHot(samples[0].labels).channels;
  const each = (f: (x: Sample) => ArrayLike<number>, channels: number) => stack(samples.map(f), channels);
  return {
    image: each((x) => x.image.data, 3),
    gray: each((x) => grayscale(x.image).data, 1),
    edges: each((x) => edgesOf(x.image), 1),
    knownEdges: each((x) => canny(x.image, { sigma: c.cannySigma, validMask: invertMask(x.mask) }).data, 1),
    segmentation: each((x) => semanticOneHot(x.labels).data, k),
    boundary: each((x) => instanceBoundaryTarget(x.labels.instance, s, s), 1),
    mask: each((x) => x.mask.data, 1),
    phi: each((x) => normalizedSignedDistance(x.mask).map.data, 1),
    target: each((x) => x.triplet.background.data, 3),
    targetGray: each((x) => grayscale(x.triplet.background).data, 1),
    targetEdges: each((x) => edgesOf(x.triplet.background), 1),
    targetSegmentation: each((x) => semanticOneHot(x.triplet.backgroundLabels).data, k),
  };
}

export function batchTensors(a: BatchArrays): Batch {
  const entries = Object.entries(a).map(([key, { data, shape }]) => [key, tf.tensor4d(data, shape)]);
  return Object.fromEntries(entries) as Batch;
}

/** The batch of step `step` (0-based), made on this thread. */
export function makeBatch(step: number, c: DataConfig): Batch {
  return batchTensors(batchArrays(step, c));
}

export function disposeBatch(b: Batch): void {
  tf.dispose(Object.values(b));
}
