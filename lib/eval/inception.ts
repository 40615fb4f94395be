// nsfwjs's InceptionV3 as a frozen feature extractor, loaded offline from node_modules.
//
// What it is: Keras InceptionV3 (ImageNet-initialised) fine-tuned by nsfwjs for 5-class NSFW classification; the
// layers up to mixed5 were frozen during fine-tuning, those after were trained. Weights are 8-bit quantised.
// It is therefore NOT the Inception of pytorch-fid or TF-FID, and scores built on it are "-like" scores only.
//
// How it ships: dist/models/inception_v3/model.min.js exports the Keras model JSON (topology + weights manifest);
// group1-shard{1..6}of6.min.js each export the base64 of one binary weight shard. We read them with require() and
// hand them to tf.loadLayersModel through an in-memory IOHandler: no network, no files written.
//
// Two edits to the topology: the input is made size-agnostic ([null, null, null, 3]; the convolutions accept any
// input >= 75x75, which lets tests run small), and the classification head after mixed10 (8x8 average pool,
// flatten, dense layers, which would pin the input to 299) is dropped together with its weights.
//
// Preprocessing follows nsfwjs's own infer(): RGB in [0, 1] (nsfwjs divides bytes by 255; no [-1, 1] shift),
// resized with tf.image.resizeBilinear(alignCorners = true) to inputSize x inputSize (299 by default; both the
// 64x64 and 256x256 images of this project are upsampled).
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type Raster, assertRaster } from '../image/raster';
import { checkUnitRange } from './metricInput';

export const INCEPTION_INPUT_SIZE = 299;
const MIN_INPUT_SIZE = 75; // InceptionV3's stride-2 stages need at least 75x75
const LAST_LAYER = 'mixed10';

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}
interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

function specBytes(w: WeightSpec): number {
  const bytes = BYTES[w.quantization?.dtype ?? w.dtype];
  if (!bytes) throw new Error(`inception: unknown weight dtype in ${w.name}`);
  return w.shape.reduce((a, b) => a * b, 1) * bytes;
}

function modelDir(): string {
  // require.resolve('nsfwjs') -> <pkg>/dist/cjs/index.js; the package's exports map hides dist/models, so go by path.
  return path.join(path.dirname(require.resolve('nsfwjs')), '..', 'models', 'inception_v3');
}

function readArtifacts(): tf.io.ModelArtifacts {
  const dir = modelDir();
  const json = require(path.join(dir, 'model.min.js')) as ModelJson;
  const topology = JSON.parse(JSON.stringify(json.modelTopology));
  const config = topology.model_config.config;
  config.layers[0].config.batch_input_shape = [null, null, null, 3];
  const cut = config.layers.findIndex((l: { name: string }) => l.name === LAST_LAYER);
  if (cut < 0) throw new Error(`inception: layer ${LAST_LAYER} not found in nsfwjs InceptionV3`);
  config.layers = config.layers.slice(0, cut + 1);
  config.output_layers = [[LAST_LAYER, 0, 0]];
  const kept = new Set<string>(config.layers.map((l: { name: string }) => l.name));

  if (json.weightsManifest.length !== 1) throw new Error('inception: expected one weight group in nsfwjs InceptionV3');
  const group = json.weightsManifest[0];
  const shards = group.paths.map((p) => Buffer.from(require(path.join(dir, `${p}.min.js`)) as string, 'base64'));
  const all = Buffer.concat(shards);
  // Keep the weights (and their bytes) of the layers we keep; the weights are laid out in manifest order.
  const specs: WeightSpec[] = [];
  const parts: Buffer[] = [];
  let offset = 0;
  for (const w of group.weights) {
    const n = specBytes(w);
    if (kept.has(w.name.split('/')[0])) {
      specs.push(w);
      parts.push(all.subarray(offset, offset + n));
    }
    offset += n;
  }
  if (offset !== all.length)
    throw new Error(`inception: weight manifest covers ${offset} bytes, shards hold ${all.length}`);
  const data = Buffer.concat(parts);
  const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  return { modelTopology: topology, weightSpecs: specs as tf.io.WeightsManifestEntry[], weightData };
}

export interface InceptionMetricOptions {
  inputSize?: number; // network input side, default 299 (nsfwjs's); >= 75. Results name it in `protocol`.
  batchSize?: number; // images per network pass, default 8
}

let trunk: Promise<tf.LayersModel> | null = null;
const heads = new Map<string, tf.LayersModel>();

/** The InceptionV3 trunk (input -> mixed10), loaded once per process. */
export function loadInceptionV3Nsfwjs(): Promise<tf.LayersModel> {
  if (!trunk) trunk = tf.loadLayersModel({ load: async () => readArtifacts() }, { strict: true });
  return trunk;
}

/** A model with the named layers as outputs (cached per layer list). */
async function featureModel(layers: readonly string[]): Promise<tf.LayersModel> {
  const key = layers.join(',');
  let m = heads.get(key);
  if (!m) {
    const base = await loadInceptionV3Nsfwjs();
    m = tf.model({ inputs: base.inputs, outputs: layers.map((n) => base.getLayer(n).output as tf.SymbolicTensor) });
    heads.set(key, m);
  }
  return m;
}

/** [N, S, S, 3] network input from RGB rasters in [0, 1] (each bilinearly resized, alignCorners, as nsfwjs). */
export function inceptionInput(images: Raster[], inputSize: number): tf.Tensor4D {
  if (!Number.isInteger(inputSize) || inputSize < MIN_INPUT_SIZE)
    throw new Error(`inception: inputSize must be an integer >= ${MIN_INPUT_SIZE}, got ${inputSize}`);
  if (images.length === 0) throw new Error('inception: no images given');
  return tf.tidy(
    () =>
      tf.concat(
        images.map((r) => {
          assertRaster(r, 'inception', 3);
          checkUnitRange(r, 'inception');
          const x = tf.tensor4d(r.data, [1, r.height, r.width, 3]);
          return r.height === inputSize && r.width === inputSize
            ? x
            : tf.image.resizeBilinear(x, [inputSize, inputSize], true);
        }),
      ) as tf.Tensor4D,
  );
}

/** Activations of `layers` for a batch of images: one [N, h, w, c] tensor per layer (caller disposes them). */
export async function inceptionActivations(
  images: Raster[],
  layers: readonly string[],
  inputSize = INCEPTION_INPUT_SIZE,
): Promise<tf.Tensor4D[]> {
  const model = await featureModel(layers);
  const x = inceptionInput(images, inputSize);
  const out = model.predict(x);
  x.dispose();
  return (Array.isArray(out) ? out : [out]) as tf.Tensor4D[];
}

/** Protocol name recorded in results of the network metrics. */
export function inceptionProtocol(inputSize: number): string {
  return `inceptionV3-nsfwjs@${inputSize}`;
}
