// LPIPS-like distance on nsfwjs's InceptionV3 ("LPIPS-like (InceptionV3-nsfwjs, unweighted)").
// LPIPS (Zhang et al. 2018) compares unit-normalised deep features with learned per-channel weights, on AlexNet/VGG.
// Here: no learned weights (every channel weighs 1), a different network, and the layer scores are averaged, not
// summed. It is a perceptual distance of the same shape, NOT comparable to published LPIPS numbers.
//
// For each layer l with activations f [h, w, c] of each image:
//   u = f / (||f||_2 over channels + 1e-10)   (per position, as LPIPS's normalize_tensor)
//   d_l = mean over positions of sum over channels (u_a - u_b)^2        (in [0, 4])
// score = mean over layers of d_l. Layers span resolutions like LPIPS's conv1..conv5: the stem's activation_3
// (147x147x64 at 299 input) and activation_5 (71x71x192), mixed2 (35x35x288), mixed7 (17x17x768),
// mixed10 (8x8x2048).
//
// Speed (measured on this machine, input 299, one pair = one network pass over 2 images; 64x64 and 256x256 images
// cost the same since both are resized to 299): plain tfjs-backend-wasm 0.69 s a pair (first call 1.8 s including
// the model load); reference cpu backend 24 s a pair (first call 28 s). With the native oneDNN kernels (wasm, one
// thread) while two trainings shared the 2 cores: 0.8 s a pair in passes of 4 pairs; one pair a pass inside a
// removal experiment (Table V's perceptual rows), 1.0-1.8 s an image including the removal.
import * as tf from '@tensorflow/tfjs';
import { type MetricImage, asRaster } from './metricInput';
import type { MetricResult } from './result';
import {
  INCEPTION_INPUT_SIZE,
  type InceptionMetricOptions,
  inceptionActivations,
  inceptionProtocol,
} from './inception';

export const LPIPS_LIKE_LAYERS = ['activation_3', 'activation_5', 'mixed2', 'mixed7', 'mixed10'] as const;

/** Per-layer LPIPS-like distances of paired activations fa, fb [N, h, w, c] -> [N]. */
export function unitFeatureDistance(fa: tf.Tensor4D, fb: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => {
    const unit = (f: tf.Tensor4D) => f.div(f.square().sum(-1, true).sqrt().add(1e-10));
    return unit(fa).sub(unit(fb)).square().sum(-1).mean([1, 2]) as tf.Tensor1D;
  });
}

/** LPIPS-like distances of pairs (as[i], bs[i]); RGB images in [0, 1]. */
export async function lpipsLikeInceptionPairs(
  as: MetricImage[],
  bs: MetricImage[],
  opts: InceptionMetricOptions = {},
): Promise<MetricResult[]> {
  if (as.length !== bs.length) throw new Error(`lpipsLikeInception: ${as.length} images vs ${bs.length}; pairs needed`);
  const inputSize = opts.inputSize ?? INCEPTION_INPUT_SIZE;
  const pairsPerPass = Math.max(1, Math.floor((opts.batchSize ?? 8) / 2));
  const values: number[] = [];
  for (let start = 0; start < as.length; start += pairsPerPass) {
    const ra = as.slice(start, start + pairsPerPass).map((x) => asRaster(x, 'lpipsLikeInception'));
    const rb = bs.slice(start, start + pairsPerPass).map((x) => asRaster(x, 'lpipsLikeInception'));
    ra.forEach((r, i) => {
      if (r.height !== rb[i].height || r.width !== rb[i].width)
        throw new Error(
          `lpipsLikeInception: pair ${start + i} sizes differ: ` +
            `${r.height}x${r.width} vs ${rb[i].height}x${rb[i].width}`,
        );
    });
    const n = ra.length;
    const acts = await inceptionActivations([...ra, ...rb], LPIPS_LIKE_LAYERS, inputSize); // each [2n, h, w, c]
    const score = tf.tidy(() => {
      const perLayer = acts.map((f) => unitFeatureDistance(f.slice(0, n), f.slice(n, n)));
      return tf.stack(perLayer).mean(0); // [n]
    });
    tf.dispose(acts);
    values.push(...(await score.data()));
    score.dispose();
  }
  const protocol = inceptionProtocol(inputSize);
  return values.map((value) => ({ metric: 'lpipsLikeInception', protocol, region: 'whole-image', value }));
}

/** LPIPS-like (InceptionV3-nsfwjs, unweighted) distance of one pair; 0 for identical images. */
export async function lpipsLikeInception(
  a: MetricImage,
  b: MetricImage,
  opts: InceptionMetricOptions = {},
): Promise<MetricResult> {
  return (await lpipsLikeInceptionPairs([a], [b], opts))[0];
}
