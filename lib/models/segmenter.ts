// A small trainable panoptic segmenter that stands in for PanopticFPN (whose COCO weights cannot be downloaded):
// a U-Net-like encoder-decoder over the RGB image with two heads,
//   semantic logits over the project's classes  [B,H,W,K]
//   instance-boundary logit                      [B,H,W,1]  (pixels of a thing instance that touch another instance)
// Segments are the connected components of the argmax class map once the predicted instance boundaries are cut
// out (lib/models/maskSelection.ts), so two touching people become two segments. Cheap at 64x64.
//   enc.0 Conv3x3 3->C, IN, ReLU                [H]
//   enc.1 Conv4x4 s2 C->2C, IN, ReLU            [H/2]
//   enc.2 Conv4x4 s2 2C->4C, IN, ReLU           [H/4]
//   mid.0, mid.1 Conv3x3 4C->4C, IN, ReLU       [H/4]
//   up.1 ConvT4x4 s2 4C->2C, IN, ReLU ; cat enc.1 ; fuse.1 Conv3x3 4C->2C, IN, ReLU   [H/2]
//   up.0 ConvT4x4 s2 2C->C, IN, ReLU  ; cat enc.0 ; fuse.0 Conv3x3 2C->C, IN, ReLU    [H]
//   head Conv1x1 C->K+1
// Zero padding and no dilation: every op here has a correct gradient on the stock tfjs backends.
import * as tf from '@tensorflow/tfjs';
import { Params } from '../nn/params';
import { conv2d, conv2dTranspose } from '../nn/conv';
import { instanceNorm } from '../nn/instanceNorm';

export interface SegmenterConfig {
  numClasses: number;
  /** base width C */
  width: number;
  seed: number;
}

export interface SegmenterOutput {
  semanticLogits: tf.Tensor4D; // [B,H,W,K]
  boundaryLogits: tf.Tensor4D; // [B,H,W,1]
}

export class Segmenter {
  readonly params: Params;

  constructor(readonly config: SegmenterConfig) {
    const { numClasses: k, width: c, seed } = config;
    if (!Number.isInteger(k) || k < 2) throw new Error(`Segmenter: numClasses must be an integer >= 2, got ${k}`);
    if (!Number.isInteger(c) || c < 1) throw new Error(`Segmenter: width must be a positive integer, got ${c}`);
    this.params = new Params(seed);
    const p = this.params;
    const conv = (name: string, size: number, cin: number, cout: number, transposed = false) => {
      p.normal(`${name}.w`, transposed ? [size, size, cout, cin] : [size, size, cin, cout]);
      p.zeros(`${name}.b`, [cout]);
    };
    conv('enc.0', 3, 3, c);
    conv('enc.1', 4, c, 2 * c);
    conv('enc.2', 4, 2 * c, 4 * c);
    conv('mid.0', 3, 4 * c, 4 * c);
    conv('mid.1', 3, 4 * c, 4 * c);
    conv('up.1', 4, 4 * c, 2 * c, true);
    conv('fuse.1', 3, 4 * c, 2 * c);
    conv('up.0', 4, 2 * c, c, true);
    conv('fuse.0', 3, 2 * c, c);
    conv('head', 1, c, k + 1);
  }

  /** RGB image [B,H,W,3] in [0,1], H and W multiples of 4 -> semantic and boundary logits. */
  apply(image: tf.Tensor4D): SegmenterOutput {
    const [, h, w, cin] = image.shape;
    if (cin !== 3) throw new Error(`Segmenter: input must be RGB [B,H,W,3], got ${cin} channels`);
    if (h % 4 !== 0 || w % 4 !== 0) throw new Error(`Segmenter: H and W must be multiples of 4, got ${h}x${w}`);
    const p = this.params;
    const W = (n: string) => p.get(`${n}.w`) as tf.Tensor as tf.Tensor4D;
    const B = (n: string) => p.get(`${n}.b`) as tf.Tensor as tf.Tensor1D;
    const block = (n: string, x: tf.Tensor4D, stride = 1) =>
      tf.relu(instanceNorm(conv2d(x, W(n), B(n), { stride, pad: stride === 2 ? 1 : (W(n).shape[0] - 1) / 2 })));
    const up = (n: string, x: tf.Tensor4D) => tf.relu(instanceNorm(conv2dTranspose(x, W(n), B(n), 2)));
    const k = this.config.numClasses;
    return tf.tidy(() => {
      const e0 = block('enc.0', image); // [B,H,W,C]
      const e1 = block('enc.1', e0, 2); // [B,H/2,W/2,2C]
      let y = block('enc.2', e1, 2); // [B,H/4,W/4,4C]
      y = block('mid.1', block('mid.0', y));
      y = block('fuse.1', tf.concat([up('up.1', y), e1], 3)); // [B,H/2,W/2,2C]
      y = block('fuse.0', tf.concat([up('up.0', y), e0], 3)); // [B,H,W,C]
      const out = conv2d(y, W('head'), B('head')); // [B,H,W,K+1]
      const [semanticLogits, boundaryLogits] = tf.split(out, [k, 1], 3) as [tf.Tensor4D, tf.Tensor4D];
      return { semanticLogits, boundaryLogits };
    });
  }

  dispose(): void {
    this.params.dispose();
  }
}
