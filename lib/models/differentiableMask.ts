// Differentiable mask of the selected segment, so that the inpainting losses reach the segmenter (paper Sec. III-C:
// L_E + L_S + L_I are backpropagated through the segmentation network).
//   soft mask m_hat = P(selected class), restricted to a window around the selected segment (the segment dilated by
//                     windowRadius pixels; a constant): the scratch segmenter's softmax probability of the segment's
//                     class (selectDifferentiableMask), or the pretrained one's sigmoid(z) (selectPersonMask in
//                     pretrainedSegmenter.ts); both build M and m_hat with windowedSelection. The window plays the
//                     part of PanopticFPN's per-instance mask head: far-away pixels of the same class (another
//                     person) are not part of this instance's soft mask. m_hat is what L_B / L_X act on (Eq. 8-9).
//   mask M          = straight-through estimator: forward value = the binary selected segment (the inpainters are
//                     trained on binary masks), backward = the gradient of m_hat.
import * as tf from '@tensorflow/tfjs';
import type { SegmenterOutput } from './segmenter';
import { type Selection, selectSegment } from './maskSelection';
import { dilateSquare } from '../image/morphology';

/** Forward: `hard`; backward: the incoming gradient goes to `soft` unchanged (and none to `hard`). */
export function straightThrough<T extends tf.Tensor>(hard: T, soft: T): T {
  if (!tf.util.arraysEqual(hard.shape, soft.shape)) {
    throw new Error(`straightThrough: shapes differ: [${hard.shape}] vs [${soft.shape}]`);
  }
  const f = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: tf.clone(inputs[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => [tf.zerosLike(dy), dy],
  }));
  return f(hard, soft) as T;
}

/** One-hot of the argmax class with a softmax straight-through gradient: [B,H,W,K] -> [B,H,W,K]. */
export function straightThroughOneHot(logits: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const k = logits.shape[3];
    const hard = tf.oneHot(tf.argMax(logits, -1), k).toFloat() as tf.Tensor4D;
    return straightThrough(hard, tf.softmax(logits, -1) as tf.Tensor4D);
  });
}

export interface MaskSelectionOutput {
  /** M [B,H,W,1]: binary value, straight-through gradient of softMask */
  mask: tf.Tensor4D;
  /** m_hat [B,H,W,1] in [0,1] */
  softMask: tf.Tensor4D;
  /** per image: the selected segment, its class and overlap with m_G */
  selections: Selection[];
}

/**
 * M and m_hat from one selection per image, for either segmenter: m_hat = probability() (P of the selected segment's
 * class, [B,H,W,1]; evaluated inside tf.tidy) inside a window, windowSeeds[i] dilated by windowRadius px (default
 * H/8 rounded up); M = the binary selected segments, with m_hat's straight-through gradient.
 */
export function windowedSelection(
  selections: Selection[],
  windowSeeds: Uint8Array[],
  h: number,
  w: number,
  windowRadius: number | undefined,
  probability: () => tf.Tensor,
): MaskSelectionOutput {
  const b = selections.length;
  const n = h * w;
  const r = windowRadius ?? Math.ceil(Math.max(h, w) / 8);
  const hard = new Float32Array(b * n);
  const window = new Float32Array(b * n);
  for (let i = 0; i < b; i++) {
    hard.set(selections[i].mask, i * n);
    window.set(dilateSquare(windowSeeds[i], h, w, r), i * n);
  }
  const { mask, softMask } = tf.tidy(() => {
    const softMask = tf.mul(probability(), tf.tensor4d(window, [b, h, w, 1])) as tf.Tensor4D;
    const mask = straightThrough(tf.tensor4d(hard, [b, h, w, 1]), softMask);
    return { mask, softMask };
  });
  return { mask, softMask, selections };
}

/**
 * The scratch segmenter's selection: its segment of largest overlap with m_G, windowed around that segment.
 * maskGT: m_G [B,H,W,1] binary. windowRadius: how far (px) the soft mask reaches beyond the selected segment.
 */
export function selectDifferentiableMask(
  seg: SegmenterOutput,
  maskGT: tf.Tensor4D,
  windowRadius?: number,
): MaskSelectionOutput {
  const [b, h, w, k] = seg.semanticLogits.shape;
  if (!tf.util.arraysEqual(maskGT.shape, [b, h, w, 1])) {
    throw new Error(`selectDifferentiableMask: m_G must be [${[b, h, w, 1]}], got [${maskGT.shape}]`);
  }
  // (read outside tf.tidy: tidy walks a returned typed array element by element)
  const labels = readAndDispose(tf.argMax(seg.semanticLogits, -1)) as Int32Array;
  const cut = readAndDispose(tf.step(seg.boundaryLogits)); // boundary probability > 0.5
  const gt = maskGT.dataSync();
  const n = h * w;
  const selections: Selection[] = [];
  for (let i = 0; i < b; i++) {
    selections.push(
      selectSegment(
        labels.subarray(i * n, (i + 1) * n),
        cut.subarray(i * n, (i + 1) * n),
        gt.subarray(i * n, (i + 1) * n),
        h,
        w,
      ),
    );
  }
  return windowedSelection(
    selections,
    selections.map((s) => s.mask),
    h,
    w,
    windowRadius,
    () => {
      const classes = tf
        .oneHot(
          tf.tensor1d(
            selections.map((s) => s.classIndex),
            'int32',
          ),
          k,
        )
        .reshape([b, 1, 1, k]);
      return tf.sum(tf.mul(tf.softmax(seg.semanticLogits, -1), classes), -1, true); // [B,H,W,1]
    },
  );
}

function readAndDispose(t: tf.Tensor): tf.TypedArray {
  const values = t.dataSync();
  t.dispose();
  return values;
}
