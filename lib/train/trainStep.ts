// One training step of a stage: generator-side update, then one hinge update of each discriminator on the same
// batch with the generator's output held fixed.
//
// Order: tfjs records a gradient tape per tf.variableGrads call, so the generator forward must live inside the
// generator's tape. Running the D step first (as EdgeConnect and the PyTorch benchmark do) would need a second
// generator forward (~+30% FLOPs); we run the G step first and reuse its output for the D step. Both players
// see the same batch; G's loss uses D before (not after) this step's D update.
import * as tf from '@tensorflow/tfjs';
import { hingeDiscriminatorLoss } from '../losses/gan';
import type { Adam } from './adam';
import type { Batch } from './batches';
import type { StageModel } from './stages';

export interface Optimizers {
  generator: Adam;
  /** one per critic, same order */
  critics: Adam[];
}

/** Runs f with the named variables' gradients; returns the loss value and name -> gradient. */
function namedGrads(
  f: () => tf.Scalar,
  vars: Map<string, tf.Variable>,
): { value: tf.Scalar; grads: Map<string, tf.Tensor> } {
  const { value, grads } = tf.variableGrads(f, [...vars.values()]);
  return { value, grads: new Map([...vars].map(([name, v]) => [name, grads[v.name]])) };
}

/** Returns every loss as a number: 'loss' (generator side), its terms, and 'D_*' per critic. */
export function trainStep(model: StageModel, opt: Optimizers, batch: Batch): Record<string, number> {
  const kept: tf.Tensor[] = [];
  const inputs = new Set<tf.Tensor>(Object.values(batch)); // e.g. the image stage's real D input is batch.target
  const keep = <T extends tf.Tensor>(t: T) => {
    if (!inputs.has(t)) kept.push(tf.keep(t));
    return t;
  };
  try {
    let terms: Record<string, tf.Scalar> = {};
    let critics: { real: tf.Tensor4D; fake: tf.Tensor4D }[] = [];
    const g = namedGrads(() => {
      const p = model.pass(batch);
      terms = Object.fromEntries(Object.entries(p.terms).map(([k, t]) => [k, keep(t)]));
      critics = p.critics.map((c) => ({ real: keep(c.real), fake: keep(c.fake) }));
      return p.loss;
    }, model.generatorTrainable);
    kept.push(g.value, ...g.grads.values());
    opt.generator.apply(g.grads);

    const dLosses = model.critics.map(({ D }, i) => {
      const { real, fake } = critics[i];
      const d = namedGrads(
        () =>
          hingeDiscriminatorLoss(D.apply(real, { training: true }).logits, D.apply(fake, { training: true }).logits),
        new Map([...D.params.trainable]),
      );
      kept.push(d.value, ...d.grads.values());
      opt.critics[i].apply(d.grads);
      return d.value;
    });
    const out: Record<string, number> = { loss: g.value.dataSync()[0] };
    for (const [k, t] of Object.entries(terms)) out[k] = t.dataSync()[0];
    model.critics.forEach((c, i) => (out[c.name] = dLosses[i].dataSync()[0]));
    return out;
  } finally {
    tf.dispose(kept);
  }
}
