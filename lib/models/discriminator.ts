// PatchGAN discriminator with spectral norm on every conv and no biases (EdgeConnect with SN), the same
// network as the PyTorch benchmark (class Discriminator):
//   Conv4x4 s2 p1 in->C, LReLU .2 ; s2 C->2C, LReLU ; s2 2C->4C, LReLU ; s1 4C->8C, LReLU ; s1 8C->1
// It returns the logits and the 5 conv outputs (after their LeakyReLU; the last is the logits themselves),
// the activations used by feature matching and by our style loss.
import * as tf from '@tensorflow/tfjs';
import { Params } from '../nn/params';
import { conv2d } from '../nn/conv';
import { spectralNormWeight } from '../nn/spectralNorm';

export interface DiscriminatorConfig {
  inChannels: number;
  /** base width C (EdgeConnect: 64) */
  width: number;
  seed: number;
}

export interface DiscriminatorOutput {
  /** [B,H/8-2,W/8-2,1] patch logits (for 64x64 input: [B,6,6,1]) */
  logits: tf.Tensor4D;
  /** the 5 layer activations, from [B,H/2,W/2,C] down to the logits */
  features: tf.Tensor4D[];
}

const STRIDES = [2, 2, 2, 1, 1];

export class Discriminator {
  readonly params: Params;
  private readonly channels: number[];

  constructor(readonly config: DiscriminatorConfig) {
    const { inChannels, width: c, seed } = config;
    for (const [k, v] of Object.entries({ inChannels, width: c })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`Discriminator: ${k} must be a positive integer, got ${v}`);
    }
    this.channels = [inChannels, c, 2 * c, 4 * c, 8 * c, 1];
    this.params = new Params(seed);
    const p = this.params;
    for (let i = 0; i < 5; i++) {
      const [cin, cout] = [this.channels[i], this.channels[i + 1]];
      p.normal(`conv.${i}.w`, [4, 4, cin, cout]);
      p.unitVector(`conv.${i}.u`, cout);
      p.unitVector(`conv.${i}.v`, 4 * 4 * cin);
    }
  }

  /**
   * [B,H,W,in] -> logits and features. With training=true each call runs one spectral-norm power
   * iteration per conv and updates the u, v state (as a PyTorch module in train() mode does per forward).
   */
  apply(x: tf.Tensor4D, { training }: { training: boolean }): DiscriminatorOutput {
    const [, h, w, cin] = x.shape;
    if (cin !== this.config.inChannels) {
      throw new Error(`Discriminator: input has ${cin} channels, expected ${this.config.inChannels}`);
    }
    const outSize = (n: number) => STRIDES.reduce((m, s) => Math.floor((m - 2) / s) + 1, n);
    if (outSize(h) < 1 || outSize(w) < 1)
      throw new Error(`Discriminator: input ${h}x${w} is too small (needs >= 24x24)`);
    const p = this.params;
    return tf.tidy(() => {
      const features: tf.Tensor4D[] = [];
      let y = x;
      for (let i = 0; i < 5; i++) {
        const wsn = spectralNormWeight(
          p.get(`conv.${i}.w`) as tf.Tensor as tf.Tensor4D,
          p.get(`conv.${i}.u`),
          p.get(`conv.${i}.v`),
          training,
        );
        y = conv2d(y, wsn, null, { stride: STRIDES[i], pad: 1 });
        if (i < 4) y = tf.leakyRelu(y, 0.2);
        features.push(y);
      }
      return { logits: y, features };
    });
  }
}
