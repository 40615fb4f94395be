// Adam over a named set of variables, with its state (first and second moments, step count) keyed by our
// parameter names, so a checkpoint can save and restore it exactly. tf.train.adam keys its slots by tfjs'
// global variable names, which depend on creation order in the process, and restores them asynchronously.
// Update as PyTorch's torch.optim.Adam (no weight decay, no amsgrad):
//   m = b1 m + (1 - b1) g ;  v = b2 v + (1 - b2) g^2
//   p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
// computed in float32 as p - (m / (sqrt(v / (1 - b2^t)) + eps)) * (lr / (1 - b1^t)). On wasm with the native
// kernels one fused addon call per parameter does the same float32 operations in place (nativeAdamUpdate, bit for
// bit equal); elsewhere, or for a parameter it does not take, ~11 tf ops per parameter.
import * as tf from '@tensorflow/tfjs';
import { nativeAdamUpdate } from '../backend/native';

export interface AdamConfig {
  lr: number;
  beta1: number;
  beta2: number;
  /** PyTorch's default 1e-8 */
  eps?: number;
}

export class Adam {
  /** number of updates applied so far (t) */
  step = 0;
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();
  private readonly eps: number;

  constructor(
    readonly params: Map<string, tf.Variable>,
    readonly config: AdamConfig,
  ) {
    const { lr, beta1, beta2 } = config;
    if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`Adam: lr must be a positive number, got ${lr}`);
    for (const [k, b] of Object.entries({ beta1, beta2 })) {
      if (!(b >= 0 && b < 1)) throw new Error(`Adam: ${k} must be in [0, 1), got ${b}`);
    }
    this.eps = config.eps ?? 1e-8;
    const zeros = (p: tf.Variable) => {
      const z = tf.zerosLike(p);
      const v = tf.variable(z, false); // a variable keeps its own copy; the initial tensor would leak
      z.dispose();
      return v;
    };
    for (const [name, p] of params) {
      this.m.set(name, zeros(p));
      this.v.set(name, zeros(p));
    }
  }

  /** grads: parameter name -> gradient (every parameter must have one). */
  apply(grads: Map<string, tf.Tensor>): void {
    const { lr, beta1: b1, beta2: b2 } = this.config;
    this.step += 1;
    const c1 = 1 - b1 ** this.step;
    const c2 = 1 - b2 ** this.step;
    // the float32 scalars the tf ops below multiply, divide and add with, for the fused update
    const k = Float32Array.from([b1, 1 - b1, b2, 1 - b2, c2, this.eps, lr / c1]);
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const g = grads.get(name);
        if (!g) throw new Error(`Adam: no gradient for '${name}'`);
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        if (nativeAdamUpdate(p, m, v, g, k)) continue;
        m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
        v.assign(tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2)));
        const denom = tf.add(tf.sqrt(tf.div(v, c2)), this.eps);
        p.assign(tf.sub(p, tf.mul(tf.div(m, denom), lr / c1)));
      }
    });
  }

  /** State for a checkpoint: 'm.<name>' and 'v.<name>' (the step count is stored separately). */
  state(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [name, t] of this.m) out.set(`m.${name}`, t);
    for (const [name, t] of this.v) out.set(`v.${name}`, t);
    return out;
  }

  dispose(): void {
    tf.dispose([...this.m.values(), ...this.v.values()]);
  }
}
