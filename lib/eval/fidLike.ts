// FID-like distance on nsfwjs's InceptionV3 ("FID-like (InceptionV3-nsfwjs pool features)"): the Fréchet distance
// (lib/eval/frechet.ts) between Gaussians fitted to the global-average-pooled mixed10 activations (2048-d) of two
// image sets. FID uses the same formula on pool3 features of a specific ImageNet Inception; this network differs
// (fine-tuned for NSFW classes, quantised weights, nsfwjs preprocessing), so the numbers are NOT comparable to
// published FID. Like FID, it is biased upward for small sets: compare values only at equal set sizes.
// Speed (measured, input 299, batches of 8): 0.32 s an image on plain tfjs-backend-wasm, 12 s on the cpu backend;
// with the native oneDNN kernels (one thread) while two trainings shared the 2 cores, 0.4-0.6 s an image.
//
// fidLikeOfRemoval scores a removal experiment (lib/eval/experiment.ts, 'selected' masks): its remover's outputs on
// the spec's items against their ground truths I_G, over all items and per mask-ratio bucket, written beside the
// experiment's rows as results/<name>/fid_like.json. One number a set, so not a per-image row: no s.e.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { MASK_RATIO_BUCKETS } from '../data/buckets';
import { openTestSet } from '../data/triplets';
import type { Raster } from '../image/raster';
import { writeJsonAtomic } from '../io/atomicWrite';
import type { Remover } from '../pipeline/jointRemoval';
import { type ExperimentSpec, maskedInput } from './experiment';
import { type MetricImage, asRaster } from './metricInput';
import type { MetricResult } from './result';
import { frechetDistanceOfFeatures } from './frechet';
import {
  INCEPTION_INPUT_SIZE,
  type InceptionMetricOptions,
  inceptionActivations,
  inceptionProtocol,
} from './inception';

export const FID_LIKE_LAYER = 'mixed10';

/** 2048-d pooled features (mean of mixed10 over positions) of each image, in float64. */
export async function inceptionPoolFeatures(
  images: MetricImage[],
  opts: InceptionMetricOptions = {},
): Promise<Float64Array[]> {
  const inputSize = opts.inputSize ?? INCEPTION_INPUT_SIZE;
  const batch = opts.batchSize ?? 8;
  const out: Float64Array[] = [];
  for (let start = 0; start < images.length; start += batch) {
    const rasters = images.slice(start, start + batch).map((x) => asRaster(x, 'fidLikeInception'));
    const [act] = await inceptionActivations(rasters, [FID_LIKE_LAYER], inputSize); // [n, h, w, 2048]
    const pooled = tf.tidy(() => act.mean([1, 2]) as tf.Tensor2D); // [n, 2048]
    act.dispose();
    const [n, c] = pooled.shape;
    const data = await pooled.data();
    pooled.dispose();
    for (let i = 0; i < n; i++) out.push(Float64Array.from(data.subarray(i * c, (i + 1) * c)));
  }
  return out;
}

/** FID-like (InceptionV3-nsfwjs pool features) between two image sets (at least 2 images each). */
export async function fidLikeInception(
  setA: MetricImage[],
  setB: MetricImage[],
  opts: InceptionMetricOptions = {},
): Promise<MetricResult> {
  if (setA.length < 2 || setB.length < 2)
    throw new Error(`fidLikeInception: need at least 2 images per set, got ${setA.length} and ${setB.length}`);
  const inputSize = opts.inputSize ?? INCEPTION_INPUT_SIZE;
  const value = frechetDistanceOfFeatures(
    await inceptionPoolFeatures(setA, opts),
    await inceptionPoolFeatures(setB, opts),
  );
  return { metric: 'fidLikeInception', protocol: inceptionProtocol(inputSize), region: 'whole-image', value };
}

export const FID_LIKE_FILE = 'fid_like.json';

/** results/<name>/fid_like.json: the FID-like score of an experiment's outputs against its ground truths. */
export interface FidLikeSummary {
  experiment: string;
  metric: 'fidLikeInception';
  protocol: string;
  /** all items: the number of images in each set and the score */
  all: { count: number; value: number };
  /** per mask-ratio bucket: the bucket's items alone (a quarter of the images: more biased still) */
  buckets: { bucket: string; count: number; value: number }[];
}

/** Reads results/<name>/fid_like.json, null if absent. */
export function readFidLike(experimentDir: string): FidLikeSummary | null {
  const file = path.join(experimentDir, FID_LIKE_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as FidLikeSummary) : null;
}

/**
 * The FID-like score of a removal experiment whose spec is in `experimentDir` (runExperiment writes it first): the
 * remover's outputs on the spec's items, as the experiment scored them (not composited over m_G), against their
 * I_G. Computed once: an existing fid_like.json is returned as it is. `truths` caches the ground truths' features
 * across experiments of one test set (keyed by the test set's spec and the input size).
 */
export async function fidLikeOfRemoval(
  spec: ExperimentSpec,
  remover: Remover,
  experimentDir: string,
  opts: InceptionMetricOptions & { truths?: Map<string, Float64Array[]> } = {},
): Promise<FidLikeSummary> {
  const where = `fidLikeOfRemoval '${spec.name}'`;
  if (!spec.masks.every((m) => m.kind === 'selected') || spec.masks.length !== 1)
    throw new Error(`${where}: scores a removal experiment (one 'selected' mask)`);
  const specFile = path.join(experimentDir, 'spec.json');
  if (!fs.existsSync(specFile) || fs.readFileSync(specFile, 'utf8') !== `${JSON.stringify(spec, null, 1)}\n`)
    throw new Error(`${where}: ${specFile} does not hold this spec (run the experiment first)`);
  const done = readFidLike(experimentDir);
  if (done) return done;
  const itemAt = await openTestSet(spec.testSet);
  const inputSize = opts.inputSize ?? INCEPTION_INPUT_SIZE;
  const truths = opts.truths ?? new Map<string, Float64Array[]>();
  const key = `${JSON.stringify(spec.testSet)}@${inputSize}`;
  const outputs: Raster[] = [];
  const grounds: Raster[] = [];
  const buckets: string[] = [];
  for (let i = 0; i < spec.testSet.count; i++) {
    const triplet = await itemAt(i);
    const { input, labels, hole, truth } = maskedInput(spec.testSet, i, spec.masks[0], triplet);
    outputs.push((await remover(input, hole, labels)).output);
    grounds.push(truth);
    buckets.push(MASK_RATIO_BUCKETS[triplet.bucket].label);
  }
  const truthFeatures = truths.get(key) ?? (await inceptionPoolFeatures(grounds, opts));
  truths.set(key, truthFeatures);
  const outputFeatures = await inceptionPoolFeatures(outputs, opts);
  const protocol = inceptionProtocol(inputSize);
  const of = (keep: (i: number) => boolean) => {
    const a = outputFeatures.filter((_, i) => keep(i));
    return {
      count: a.length,
      value: frechetDistanceOfFeatures(
        a,
        truthFeatures.filter((_, i) => keep(i)),
      ),
    };
  };
  const summary: FidLikeSummary = {
    experiment: spec.name,
    metric: 'fidLikeInception',
    protocol,
    all: of(() => true),
    buckets: MASK_RATIO_BUCKETS.filter((b) => buckets.includes(b.label)).map((b) => ({
      bucket: b.label,
      ...of((i) => buckets[i] === b.label),
    })),
  };
  writeJsonAtomic(path.join(experimentDir, FID_LIKE_FILE), summary);
  return summary;
}
