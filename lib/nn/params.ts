// A model's parameters: a flat, ordered, named map of tf.Variable (nanoGPT style).
// Names look like 'enc.0.w'. Trainable weights and non-trainable state (spectral-norm u, v
// vectors) live in separate maps; a checkpoint is the union of both, name -> tensor.
import * as tf from '@tensorflow/tfjs';
import { seededNormal, seededUnitVector } from './init';

export class Params {
  readonly trainable = new Map<string, tf.Variable>();
  readonly state = new Map<string, tf.Variable>();
  private disposed = false;

  constructor(readonly seed: number) {}

  /** Trainable weight ~ normal(0, std). */
  normal(name: string, shape: number[], std = 0.02): tf.Variable {
    return this.add(this.trainable, name, seededNormal(shape, std, this.seed, name), true);
  }

  /** Trainable weight initialised to zero (biases). */
  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(this.trainable, name, tf.zeros(shape), true);
  }

  /** Non-trainable random unit vector (spectral-norm power-iteration state). */
  unitVector(name: string, length: number): tf.Variable {
    return this.add(this.state, name, seededUnitVector(length, this.seed, name), false);
  }

  get(name: string): tf.Variable {
    if (this.disposed)
      throw new Error(`these weights were disposed (dispose() was called): load them again to use '${name}'`);
    const v = this.trainable.get(name) ?? this.state.get(name);
    if (!v) throw new Error(`no parameter named '${name}'`);
    return v;
  }

  /** Trainable variables in creation order (what an optimizer should update). */
  trainableVariables(): tf.Variable[] {
    return [...this.trainable.values()];
  }

  /** Non-trainable state in creation order. */
  stateVariables(): tf.Variable[] {
    return [...this.state.values()];
  }

  /** Everything a checkpoint needs: trainable then state, name -> variable. */
  named(): Map<string, tf.Variable> {
    return new Map([...this.trainable, ...this.state]);
  }

  /** Number of trainable scalars (comparable with PyTorch's sum(p.numel() for p in parameters())). */
  count(): number {
    let n = 0;
    for (const v of this.trainable.values()) n += v.size;
    return n;
  }

  /**
   * Copy values into the variables. Every parameter must be given, with its exact shape;
   * unknown names are an error (a checkpoint from another architecture should not load silently).
   */
  load(values: Map<string, tf.Tensor> | Record<string, tf.Tensor>): void {
    const src = values instanceof Map ? values : new Map(Object.entries(values));
    const own = this.named();
    for (const name of src.keys()) {
      if (!own.has(name)) throw new Error(`load: unknown parameter '${name}'`);
    }
    for (const [name, v] of own) {
      const t = src.get(name);
      if (!t) throw new Error(`load: missing parameter '${name}'`);
      if (!tf.util.arraysEqual(t.shape, v.shape)) {
        throw new Error(`load: '${name}' has shape [${t.shape}], expected [${v.shape}]`);
      }
      v.assign(t);
    }
  }

  dispose(): void {
    for (const v of this.named().values()) v.dispose();
    this.trainable.clear();
    this.state.clear();
    this.disposed = true;
  }

  private add(map: Map<string, tf.Variable>, name: string, init: tf.Tensor, trainable: boolean): tf.Variable {
    if (this.trainable.has(name) || this.state.has(name)) throw new Error(`duplicate parameter '${name}'`);
    // No tfjs variable name: tfjs names are global, and two models may use the same local names.
    const v = tf.variable(init, trainable);
    init.dispose();
    map.set(name, v);
    return v;
  }
}

/** Merge several models' named maps under prefixes ('edge.G.' + 'enc.0.w'), e.g. for a joint checkpoint. */
export function prefixed(parts: Record<string, Map<string, tf.Variable>>): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const [prefix, map] of Object.entries(parts)) {
    for (const [name, v] of map) out.set(`${prefix}.${name}`, v);
  }
  return out;
}
