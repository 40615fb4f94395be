// One EdgeConnect-style adversarial training step for a generator G and its discriminator D.
//
//   G step: fake = G(input); loss_G = w_adv * hinge_G(D(fake)) + w_l1 * L1(fake, target)/mean(mask)
//                                   + w_fm * FM(D(fake), D(target)) + w_style * style(D(fake), D(target))
//   D step: loss_D = hinge_D(D(target), D(fake))          (fake held fixed)
//
// Order: tfjs records a gradient tape per tf.variableGrads call, so the G forward must live inside the
// G tape. Running the D step first (as EdgeConnect and the PyTorch benchmark do) would need a second G
// forward (~+30% FLOPs); we run the G step first and reuse its `fake` for the D step. Both players still
// see the same batch; G's loss uses D before (not after) this step's D update. Per step: 1 G forward,
// 4 D forwards (the PyTorch reference: 3), one G and two D backward passes.
import * as tf from '@tensorflow/tfjs';
import { Discriminator, DiscriminatorOutput } from '../models/discriminator';
import { featureMatchingLoss } from '../losses/featureMatching';
import { hingeDiscriminatorLoss, hingeGeneratorLoss } from '../losses/gan';
import { maskedL1Loss } from '../losses/reconstruction';
import { styleLoss } from '../losses/style';

export interface AdversarialWeights {
  adversarial: number;
  l1: number;
  featureMatching: number;
  style: number;
}

export interface AdversarialBatch {
  /** what the generator sees, e.g. [masked image, mask] concatenated: [B,H,W,Cin] */
  input: tf.Tensor4D;
  /** the ground truth the fake is compared with: [B,H,W,Cout] */
  target: tf.Tensor4D;
  /** 1 = hole: [B,H,W,1] */
  mask: tf.Tensor4D;
}

export interface AdversarialPlayers {
  /** G forward including its output activation: input -> fake [B,H,W,Cout] */
  generate: (input: tf.Tensor4D) => tf.Tensor4D;
  generatorVariables: tf.Variable[];
  discriminator: Discriminator;
  optimizerG: tf.Optimizer;
  optimizerD: tf.Optimizer;
}

export interface AdversarialLosses {
  generator: number;
  adversarial: number;
  l1: number;
  featureMatching: number;
  style: number;
  discriminator: number;
}

export function adversarialStep(players: AdversarialPlayers, batch: AdversarialBatch, w: AdversarialWeights): AdversarialLosses {
  const D = players.discriminator;
  const held: DiscriminatorOutput[] = []; // D.apply keeps its features; we dispose them at the end
  const run = (x: tf.Tensor4D) => {
    const out = D.apply(x, { training: true });
    held.push(out);
    return out;
  };
  const parts: Record<string, tf.Scalar> = {};
  let fake: tf.Tensor4D | undefined;
  try {
    const g = tf.variableGrads(() => {
      fake = tf.keep(players.generate(batch.input));
      const real = run(batch.target); // targets for feature matching and style (no D variables in this tape)
      const out = run(fake);
      parts.adversarial = tf.keep(hingeGeneratorLoss(out.logits));
      parts.l1 = tf.keep(maskedL1Loss(fake, batch.target, batch.mask));
      parts.featureMatching = tf.keep(w.featureMatching ? featureMatchingLoss(out.features, real.features) : tf.scalar(0));
      parts.style = tf.keep(w.style ? styleLoss(out.features, real.features) : tf.scalar(0));
      return tf.addN([
        tf.mul(w.adversarial, parts.adversarial),
        tf.mul(w.l1, parts.l1),
        tf.mul(w.featureMatching, parts.featureMatching),
        tf.mul(w.style, parts.style),
      ]) as tf.Scalar;
    }, players.generatorVariables);
    players.optimizerG.applyGradients(g.grads);

    const fixedFake = fake as tf.Tensor4D;
    const d = tf.variableGrads(() => hingeDiscriminatorLoss(run(batch.target).logits, run(fixedFake).logits), D.params.trainableVariables());
    players.optimizerD.applyGradients(d.grads);

    const losses: AdversarialLosses = {
      generator: g.value.dataSync()[0],
      adversarial: parts.adversarial.dataSync()[0],
      l1: parts.l1.dataSync()[0],
      featureMatching: parts.featureMatching.dataSync()[0],
      style: parts.style.dataSync()[0],
      discriminator: d.value.dataSync()[0],
    };
    tf.dispose([g.value, d.value, g.grads, d.grads]);
    return losses;
  } finally {
    tf.dispose(fake);
    tf.dispose(Object.values(parts));
    for (const out of held) tf.dispose([out.logits, ...out.features]);
  }
}
