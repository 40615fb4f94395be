// Measurements behind `npm run bench` for the compute backend, run in a process whose backend is already
// initialised (one process per backend/thread count: wasm threads cannot be restarted in a process).
//
// (a) one conv layer: x [4,64,64,64], 3x3, 64 -> 64, 'same': forward + dL/dx + dL/dW, as GFLOP/s
// (b) one EdgeConnect-style GAN training step, the network and step of bench/pytorch_edgeconnect_bench.py
//     config 'a': G base 32 channels, 8 residual blocks, 64x64, batch 4, SN PatchGAN, Adam(1e-4, 0, 0.9),
//     loss_G = 0.1 hinge + 1.0 L1/mean(mask) + 10 FM, loss_D = hinge; run by lib/train's trainStep on a
//     batch of generated triplets (the reference uses a random image with a centred square hole: same FLOPs).
import * as tf from '@tensorflow/tfjs';
import { featureMatchingLoss } from '../losses/featureMatching';
import { hingeGeneratorLoss } from '../losses/gan';
import { maskedL1Loss } from '../losses/reconstruction';
import { Discriminator } from '../models/discriminator';
import { Generator } from '../models/generator';
import { prefixed } from '../nn/params';
import { Adam } from '../train/adam';
import { disposeBatch, makeBatch } from '../train/batches';
import type { StageModel } from '../train/stages';
import { trainStep } from '../train/trainStep';

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
  return {
    medianSeconds: sorted[Math.floor(sorted.length / 2)],
    minSeconds: sorted[0],
    maxSeconds: sorted[sorted.length - 1],
    times,
  };
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
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), g)),
  );
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

/**
 * The PyTorch reference's network and losses as a training stage, run by the same trainStep and Adam as
 * real training (G step, then the D step on the same fake).
 */
function referenceGanStage(): StageModel {
  const { width, numResBlocks } = GAN_STEP;
  const G = new Generator({ inChannels: 4, outChannels: 3, width, numResBlocks, seed: 0 });
  const D = new Discriminator({ inChannels: 3, width, seed: 1 });
  const variables = prefixed({ G: G.params.named(), D: D.params.named() });
  return {
    stage: 'image',
    variables,
    generatorTrainable: prefixed({ G: G.params.trainable }),
    critics: [{ name: 'D', D }],
    pass: (b) => {
      const input = tf.concat([tf.mul(b.target, tf.sub(1, b.mask)), b.mask], 3) as tf.Tensor4D; // hole = 1
      const fake = tf.div(tf.add(tf.tanh(G.apply(input)), 1), 2) as tf.Tensor4D;
      const real = D.apply(b.target, { training: true });
      const out = D.apply(fake, { training: true });
      const terms = {
        gan: hingeGeneratorLoss(out.logits),
        l1: maskedL1Loss(fake, b.target, b.mask),
        fm: featureMatchingLoss(out.features, real.features),
      };
      const loss = tf.addN([tf.mul(0.1, terms.gan), terms.l1, tf.mul(10, terms.fm)]) as tf.Scalar;
      return { loss, terms, critics: [{ real: b.target, fake }] };
    },
    dispose: () => tf.dispose([...variables.values()]),
  };
}

export function benchGanStep(
  warmup: number,
  repeats: number,
): Timing & { generatorParams: number; tensorsBefore: number; tensorsAfter: number } {
  const model = referenceGanStage();
  const generatorParams = [...model.generatorTrainable.values()].reduce((n, v) => n + v.size, 0);
  const adam = (params: Map<string, tf.Variable>) => new Adam(params, { lr: 1e-4, beta1: 0, beta2: 0.9 });
  const D = model.critics[0].D;
  const optimizers = { generator: adam(model.generatorTrainable), critics: [adam(new Map(D.params.trainable))] };
  const { size, batch } = GAN_STEP;
  const data = makeBatch(0, { size, batch, pairs: batch, dataSeed: 1, masks: 'object', cannySigma: 1 });
  const step = () => trainStep(model, optimizers, data);
  step(); // creates Adam's moments, so the tensor count below is the steady state
  const tensorsBefore = tf.memory().numTensors;
  const timing = time(step, Math.max(0, warmup - 1), repeats);
  const tensorsAfter = tf.memory().numTensors;
  disposeBatch(data);
  model.dispose();
  return { ...timing, generatorParams, tensorsBefore, tensorsAfter };
}
