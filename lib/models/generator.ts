// EdgeConnect generator (Nazeri et al. 2019, InpaintGenerator layout), the same network as the PyTorch
// benchmark (bench/pytorch_edgeconnect_bench.py, class Generator), NHWC:
//   ReflPad3 + Conv7x7 in->C, IN, ReLU
//   Conv4x4 s2 p1 C->2C, IN, ReLU ; Conv4x4 s2 p1 2C->4C, IN, ReLU
//   nRes x ResBlock(4C): ReflPad2 + Conv3x3 dil2, IN, ReLU, ReflPad1 + Conv3x3, IN, (+x)
//   ConvT4x4 s2 p1 4C->2C, IN, ReLU ; ConvT4x4 s2 p1 2C->C, IN, ReLU
//   ReflPad3 + Conv7x7 C->out   (raw output; the inpainters apply sigmoid / softmax / (tanh+1)/2)
// All convs have biases (PyTorch default); IN = instance norm without affine parameters.
import * as tf from '@tensorflow/tfjs';
import { Params } from '../nn/params';
import { conv2d, conv2dTranspose } from '../nn/conv';
import { reflectionPad2d } from '../nn/reflectionPad';
import { instanceNorm } from '../nn/instanceNorm';

export interface GeneratorConfig {
  inChannels: number;
  outChannels: number;
  /** base width C (EdgeConnect: 64; the PyTorch benchmark also uses 32) */
  width: number;
  /** number of dilated residual blocks (EdgeConnect: 8) */
  numResBlocks: number;
  seed: number;
}

export class Generator {
  readonly params: Params;

  constructor(readonly config: GeneratorConfig) {
    const { inChannels, outChannels, width: c, numResBlocks, seed } = config;
    for (const [k, v] of Object.entries({ inChannels, outChannels, width: c })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`Generator: ${k} must be a positive integer, got ${v}`);
    }
    if (!Number.isInteger(numResBlocks) || numResBlocks < 0) {
      throw new Error(`Generator: numResBlocks must be a non-negative integer, got ${numResBlocks}`);
    }
    this.params = new Params(seed);
    const p = this.params;
    const conv = (name: string, k: number, cin: number, cout: number) => {
      p.normal(`${name}.w`, [k, k, cin, cout]);
      p.zeros(`${name}.b`, [cout]);
    };
    const convT = (name: string, k: number, cin: number, cout: number) => {
      p.normal(`${name}.w`, [k, k, cout, cin]); // tfjs transposed-conv layout [kh,kw,out,in]
      p.zeros(`${name}.b`, [cout]);
    };
    conv('enc.0', 7, inChannels, c);
    conv('enc.1', 4, c, 2 * c);
    conv('enc.2', 4, 2 * c, 4 * c);
    for (let i = 0; i < numResBlocks; i++) {
      conv(`res.${i}.conv1`, 3, 4 * c, 4 * c);
      conv(`res.${i}.conv2`, 3, 4 * c, 4 * c);
    }
    convT('dec.0', 4, 4 * c, 2 * c);
    convT('dec.1', 4, 2 * c, c);
    conv('out', 7, c, outChannels);
  }

  /** [B,H,W,in] -> raw output [B,H,W,out]; H and W must be multiples of 4. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const { inChannels } = this.config;
    const [, h, w, cin] = x.shape;
    if (cin !== inChannels) throw new Error(`Generator: input has ${cin} channels, expected ${inChannels}`);
    if (h % 4 !== 0 || w % 4 !== 0) throw new Error(`Generator: H and W must be multiples of 4, got ${h}x${w}`);
    const p = this.params;
    const W = (name: string) => p.get(`${name}.w`) as tf.Tensor as tf.Tensor4D;
    const B = (name: string) => p.get(`${name}.b`) as tf.Tensor as tf.Tensor1D;
    const inRelu = (t: tf.Tensor4D) => tf.relu(instanceNorm(t));
    return tf.tidy(() => {
      let y = inRelu(conv2d(reflectionPad2d(x, 3), W('enc.0'), B('enc.0'))); // [B,H,W,C]
      y = inRelu(conv2d(y, W('enc.1'), B('enc.1'), { stride: 2, pad: 1 })); // [B,H/2,W/2,2C]
      y = inRelu(conv2d(y, W('enc.2'), B('enc.2'), { stride: 2, pad: 1 })); // [B,H/4,W/4,4C]
      for (let i = 0; i < this.config.numResBlocks; i++) {
        const r = `res.${i}`;
        let t = inRelu(conv2d(reflectionPad2d(y, 2), W(`${r}.conv1`), B(`${r}.conv1`), { dilation: 2 }));
        t = instanceNorm(conv2d(reflectionPad2d(t, 1), W(`${r}.conv2`), B(`${r}.conv2`)));
        y = tf.add(y, t);
      }
      y = inRelu(conv2dTranspose(y, W('dec.0'), B('dec.0'), 2)); // [B,H/2,W/2,2C]
      y = inRelu(conv2dTranspose(y, W('dec.1'), B('dec.1'), 2)); // [B,H,W,C]
      return conv2d(reflectionPad2d(y, 3), W('out'), B('out')); // [B,H,W,out]
    });
  }
}
