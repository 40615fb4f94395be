// The three inpainters of the paper (Sec. III-B), each an EdgeConnect generator with its input assembled from the
// masked images, and their spectral-norm PatchGAN discriminators. Masks: [B,H,W,1], 1 = hole, binary.
// Where the paper is vague, what we chose:
// - Holes are filled with white (1) in the image/gray inputs, as EdgeConnect does (images * (1 - m) + m).
// - Edge inpainter: [gray (masked), canny edges (masked), mask] -> sigmoid edge map (3 -> 1 channels).
// - Segmentation inpainter: [one-hot segmentation (masked, holes 0), mask] -> class logits (K+1 -> K).
// - Image inpainter: [RGB (masked), inpainted edges, inpainted segmentation probabilities, mask] -> (tanh+1)/2 RGB
//   (3+1+K+1 -> 3). EdgeConnect's image generator has no mask channel; the paper lists M_G among its inputs.
//   The edges and segmentation given to it are complete maps (the inpainted ones composited outside the hole with
//   the known ones, see composite()), so they are not masked here.
//   Our variant 'telea-refiner' (not the paper's; the shipped cpu weights, checkpoints/README.md): the hole is
//   pre-filled by Telea's method T(I, M) instead of white, and the output is T + tanh(G(x)), clipped to [0, 1]:
//       I_I = clip(T(I, M) + tanh(G([T(I, M), E, S, M])), 0, 1)
//   With G's output layer at zero it is Telea's fill exactly (resetOutputLayer), so fine-tuning starts at Telea's
//   score and learns the correction. At 64 px and width 16 the EdgeConnect form loses to Telea on photographs in
//   every bucket (results/table1): the small network spends its capacity re-deriving the smooth continuation Telea
//   already gives. T is computed on the CPU and is a constant of the graph (no gradient through it); the mask keeps
//   its gradient path through the mask channel and the compositing.
// - Discriminators are conditioned like EdgeConnect's edge discriminator (Eq. 2: D_E(E_I, I_G)): the edge and
//   segmentation discriminators see their map concatenated with the gray ground-truth image; the image
//   discriminator sees the RGB image alone.
import * as tf from '@tensorflow/tfjs';
import { Generator } from './generator';
import { Discriminator } from './discriminator';
import type { ImageInpainterKind } from '../config/presets';
import { inpaintTelea } from '../inpaint/telea';

export interface InpainterConfig {
  /** base width C of the generator */
  width: number;
  numResBlocks: number;
  seed: number;
}

export interface DiscriminatorSettings {
  width: number;
  seed: number;
}

/** Throws unless mask is [B,H,W,1] matching `like` and holds only 0/1. */
export function assertMask(mask: tf.Tensor, like: tf.Tensor, where: string): void {
  const [b, h, w] = like.shape;
  if (!tf.util.arraysEqual(mask.shape, [b, h, w, 1])) {
    throw new Error(`${where}: mask must be [${[b, h, w, 1]}], got [${mask.shape}]`);
  }
  const v = mask.dataSync();
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== 0 && v[i] !== 1) throw new Error(`${where}: mask is not binary (value ${v[i]} at element ${i})`);
  }
}

function assertChannels(t: tf.Tensor4D, c: number, what: string, where: string): void {
  if (t.rank !== 4 || t.shape[3] !== c) throw new Error(`${where}: ${what} must be [B,H,W,${c}], got [${t.shape}]`);
}

/** Known pixels from `known`, hole pixels from `inpainted`: inpainted * m + known * (1 - m). */
export function composite(inpainted: tf.Tensor4D, known: tf.Tensor4D, mask: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.add(tf.mul(inpainted, mask), tf.mul(known, tf.sub(1, mask))) as tf.Tensor4D);
}

/** x * (1 - m) + fill * m */
function fillHoles(x: tf.Tensor4D, mask: tf.Tensor4D, fill: number): tf.Tensor4D {
  return tf.add(tf.mul(x, tf.sub(1, mask)), tf.mul(mask, fill)) as tf.Tensor4D;
}

export class EdgeInpainter {
  readonly generator: Generator;

  constructor(config: InpainterConfig) {
    this.generator = new Generator({ inChannels: 3, outChannels: 1, ...config });
  }

  get params() {
    return this.generator.params;
  }

  /** gray, edges (Canny of the image with the object), mask: [B,H,W,1] -> edge map [B,H,W,1] in (0,1) */
  apply({ gray, edges, mask }: { gray: tf.Tensor4D; edges: tf.Tensor4D; mask: tf.Tensor4D }): tf.Tensor4D {
    assertChannels(gray, 1, 'gray', 'EdgeInpainter');
    assertChannels(edges, 1, 'edges', 'EdgeInpainter');
    assertMask(mask, gray, 'EdgeInpainter');
    return tf.tidy(() => {
      const x = tf.concat([fillHoles(gray, mask, 1), fillHoles(edges, mask, 0), mask], 3); // [B,H,W,3]
      return tf.sigmoid(this.generator.apply(x as tf.Tensor4D));
    });
  }
}

export class SegmentationInpainter {
  readonly generator: Generator;

  constructor(
    readonly numClasses: number,
    config: InpainterConfig,
  ) {
    this.generator = new Generator({ inChannels: numClasses + 1, outChannels: numClasses, ...config });
  }

  get params() {
    return this.generator.params;
  }

  /** segmentation [B,H,W,K] one-hot (or probabilities), mask [B,H,W,1] -> class logits and softmax [B,H,W,K] */
  apply({ segmentation, mask }: { segmentation: tf.Tensor4D; mask: tf.Tensor4D }): {
    logits: tf.Tensor4D;
    probs: tf.Tensor4D;
  } {
    assertChannels(segmentation, this.numClasses, 'segmentation', 'SegmentationInpainter');
    assertMask(mask, segmentation, 'SegmentationInpainter');
    return tf.tidy(() => {
      const x = tf.concat([fillHoles(segmentation, mask, 0), mask], 3) as tf.Tensor4D; // [B,H,W,K+1]
      const logits = this.generator.apply(x);
      return { logits, probs: tf.softmax(logits, -1) as tf.Tensor4D };
    });
  }
}

/** Telea's fill (radius 3, the Table I baseline's) of each image of the batch: [B,H,W,3], mask [B,H,W,1] binary.
 *  An image without a hole is itself (the joint network's selected mask can be empty); one that is all hole has
 *  nothing to propagate and is filled white, as EdgeConnect fills holes. */
export function teleaFill(image: tf.Tensor4D, mask: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = image.shape;
  const pixels = image.dataSync();
  const holes = mask.dataSync();
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < b; i++) {
    const data = Float32Array.from(pixels.subarray(i * h * w * c, (i + 1) * h * w * c));
    const m = Uint8Array.from(holes.subarray(i * h * w, (i + 1) * h * w));
    const area = m.reduce((s, v) => s + v, 0);
    const filled =
      area === 0
        ? data
        : area === m.length
          ? data.fill(1)
          : inpaintTelea({ height: h, width: w, channels: c, data }, { height: h, width: w, data: m }).data;
    out.set(filled, i * h * w * c);
  }
  return tf.tensor4d(out, [b, h, w, c]);
}

export class ImageInpainter {
  readonly generator: Generator;

  constructor(
    readonly numClasses: number,
    config: InpainterConfig,
    readonly kind: ImageInpainterKind = 'edgeconnect',
  ) {
    this.generator = new Generator({ inChannels: 3 + 1 + numClasses + 1, outChannels: 3, ...config });
  }

  /** Zeroes G's output convolution: a Telea refiner then returns Telea's fill exactly. How a refiner starts from an
   *  EdgeConnect image inpainter's weights (its features are kept, its output layer meant another thing). */
  resetOutputLayer(): void {
    for (const name of ['out.w', 'out.b']) {
      const v = this.params.get(name) as tf.Variable;
      tf.tidy(() => v.assign(tf.zerosLike(v)));
    }
  }

  get params() {
    return this.generator.params;
  }

  /** image [B,H,W,3] in [0,1] (holes are filled here), inpainted edges [B,H,W,1], inpainted segmentation
   *  probabilities [B,H,W,K], mask [B,H,W,1] -> RGB [B,H,W,3] in (0,1) */
  apply({
    image,
    edges,
    segmentation,
    mask,
  }: {
    image: tf.Tensor4D;
    edges: tf.Tensor4D;
    segmentation: tf.Tensor4D;
    mask: tf.Tensor4D;
  }): tf.Tensor4D {
    assertChannels(image, 3, 'image', 'ImageInpainter');
    assertChannels(edges, 1, 'edges', 'ImageInpainter');
    assertChannels(segmentation, this.numClasses, 'segmentation', 'ImageInpainter');
    assertMask(mask, image, 'ImageInpainter');
    return tf.tidy(() => {
      if (this.kind === 'telea-refiner') {
        const base = teleaFill(image, mask);
        const x = tf.concat([base, edges, segmentation, mask], 3) as tf.Tensor4D; // [B,H,W,3+1+K+1]
        return tf.clipByValue(tf.add(base, tf.tanh(this.generator.apply(x))), 0, 1) as tf.Tensor4D;
      }
      const x = tf.concat([fillHoles(image, mask, 1), edges, segmentation, mask], 3) as tf.Tensor4D; // [B,H,W,3+1+K+1]
      return tf.div(tf.add(tf.tanh(this.generator.apply(x)), 1), 2) as tf.Tensor4D;
    });
  }
}

/** D_E input: [edge map, gray ground truth] (EdgeConnect's conditional edge discriminator) */
export function createEdgeDiscriminator(s: DiscriminatorSettings): Discriminator {
  return new Discriminator({ inChannels: 2, ...s });
}

/** D_S input: [segmentation probabilities (K), gray ground truth] */
export function createSegmentationDiscriminator(numClasses: number, s: DiscriminatorSettings): Discriminator {
  return new Discriminator({ inChannels: numClasses + 1, ...s });
}

/** D_I input: RGB */
export function createImageDiscriminator(s: DiscriminatorSettings): Discriminator {
  return new Discriminator({ inChannels: 3, ...s });
}

/** Input of the conditional edge / segmentation discriminators: the map with the gray ground truth appended. */
export function conditionalDiscriminatorInput(map: tf.Tensor4D, gray: tf.Tensor4D): tf.Tensor4D {
  assertChannels(gray, 1, 'gray', 'conditionalDiscriminatorInput');
  return tf.concat([map, gray], 3) as tf.Tensor4D;
}
