// Measurements behind `npm run bench` for the compute backend, run in a process whose backend is already
// initialised (one process per backend/thread count: wasm threads cannot be restarted in a process).
//
// (a) one conv layer: x [4,64,64,64], 3x3, 64 -> 64, 'same': forward + dL/dx + dL/dW, as GFLOP/s
// (b) one EdgeConnect-style GAN training step, the network and step of bench/pytorch_edgeconnect_bench.py
//     config 'a': G base 32 channels, 8 residual blocks, 64x64, batch 4, SN PatchGAN, Adam(1e-4, 0, 0.9),
//     loss_G = 0.1 hinge + 1.0 L1/mean(mask) + 10 FM, loss_D = hinge.
import * as tf from '@tensorflow/tfjs';
import { Discriminator } from '../models/discriminator';
import { Generator } from '../models/generator';
import { adversarialStep } from '../train/adversarialStep';

export interface Timing {
  medianSeconds: number;
  minSeconds: number;
  maxSeconds: number;
  times: number[];
}

export function time(fn: () => void, warmup: number, repeats: number): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { medianSeconds: sorted[Math.floor(sorted.length / 2)], minSeconds: sorted[0], maxSeconds: sorted[sorted.length - 1], times };
}

export const CONV_LAYER = { x: [4, 64, 64, 64] as [number, number, number, number], kernel: 3, outChannels: 64 };

/** GFLOP of one forward pass of the conv layer (2 x multiply-adds); dx and dW cost the same each. */
export function convLayerGflop(): number {
  const [n, h, w, c] = CONV_LAYER.x;
  return (2 * n * h * w * c * CONV_LAYER.outChannels * CONV_LAYER.kernel ** 2) / 1e9;
}

export function benchConvLayer(warmup: number, repeats: number): Timing & { gflopPerSecond: number } {
  const x = tf.randomNormal(CONV_LAYER.x, 0, 1, 'float32', 1) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 64, CONV_LAYER.outChannels], 0, 0.05, 'float32', 2) as tf.Tensor4D;
  const g = tf.randomNormal([4, 64, 64, CONV_LAYER.outChannels], 0, 1, 'float32', 3);
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), g)));
  const timing = time(
    () => {
      const out = grads([x, w]); // forward + dL/dx + dL/dW
      out.forEach((t) => t.dataSync());
      tf.dispose(out);
    },
    warmup,
    repeats,
  );
  tf.dispose([x, w, g]);
  return { ...timing, gflopPerSecond: (3 * convLayerGflop()) / timing.medianSeconds };
}

export const GAN_STEP = { width: 32, size: 64, batch: 4, numResBlocks: 8 };

export function benchGanStep(warmup: number, repeats: number): Timing & { generatorParams: number; discriminatorParams: number; tensorsBefore: number; tensorsAfter: number } {
  const { width, size, batch, numResBlocks } = GAN_STEP;
  const G = new Generator({ inChannels: 4, outChannels: 3, width, numResBlocks, seed: 0 });
  const D = new Discriminator({ inChannels: 3, width, seed: 1 });
  const image = tf.randomUniform([batch, size, size, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
  const mask = tf.tidy(() => tf.pad(tf.ones([batch, size / 2, size / 2, 1]), [[0, 0], [size / 4, size / 4], [size / 4, size / 4], [0, 0]])) as tf.Tensor4D;
  const input = tf.tidy(() => tf.concat([tf.mul(image, tf.sub(1, mask)), mask], 3)) as tf.Tensor4D;
  const players = {
    generate: (x: tf.Tensor4D) => tf.tidy(() => tf.div(tf.add(tf.tanh(G.apply(x)), 1), 2)) as tf.Tensor4D,
    generatorVariables: G.params.trainableVariables(),
    discriminator: D,
    optimizerG: tf.train.adam(1e-4, 0, 0.9),
    optimizerD: tf.train.adam(1e-4, 0, 0.9),
  };
  const weights = { adversarial: 0.1, l1: 1, featureMatching: 10, style: 0 };
  const step = () => adversarialStep(players, { input, target: image, mask }, weights);
  step(); // creates the optimizers' slots, so the tensor count below is the steady state
  const tensorsBefore = tf.memory().numTensors;
  const timing = time(step, Math.max(0, warmup - 1), repeats);
  const tensorsAfter = tf.memory().numTensors;
  const result = { ...timing, generatorParams: G.params.count(), discriminatorParams: D.params.count(), tensorsBefore, tensorsAfter };
  tf.dispose([image, mask, input]);
  G.params.dispose();
  D.params.dispose();
  players.optimizerG.dispose();
  players.optimizerD.dispose();
  return result;
}
