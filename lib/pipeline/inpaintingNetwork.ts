// EdgeConnect's inference pipeline with the paper's segmentation cue (Sec. III-B), on one image I and hole M at the
// checkpoints' resolution, fed exactly as lib/train/stages.ts feeds each network in training (the inputs are built
// by the same functions as lib/train/batches.ts makeBatch; the networks fill their own holes, white for images):
//   edge inpainter  (gray(I), Canny(I), M)          -> E_I ;  E = E_I * M + Canny(I) * (1 - M)
//     Canny(I) is computed on the known pixels only, as EdgeConnect does at test time (skimage canny with
//     mask = 1 - M): no edge is found in the hole or next to it. Computed on the whole image, it would trace the
//     object's outline on the pixels just outside an exact mask, and the image inpainter (pretrained on the edges
//     of I_G, which have no such outline) paints a faint ghost of the object along it. Training keeps
//     EdgeConnect's whole-image Canny (lib/train/batches.ts).
//   seg inpainter   (one-hot labels of I, M)        -> S_I ;  S = softmax(S_I) * M + one-hot * (1 - M)
//   image inpainter (I, E, S, M)                    -> I_I ;  output = I_I inside M, I outside (bitwise)
// The image inpainter is pretrained on ground-truth cues (Canny(I_G), labels of I_G); here it gets the inpainted
// ones, as in EdgeConnect's inference and in the joint network (lib/models/jointNetwork.ts).
// Labels: the segmentation inpainter needs the labels of I outside the hole. The Table I "inpainting network only"
// experiment passes the test triplet's ground-truth labels; the trained segmenter is the other source.
import * as tf from '@tensorflow/tfjs';
import { type Mask, type Raster, assertBinaryMask, assertRaster, checkInpaintInput, invertMask } from '../image/raster';
import { canny } from '../image/canny';
import { grayscale } from '../image/grayscale';
import { type PanopticLabels, semanticOneHot, labelsToRaster } from '../data/labels';
import { composite } from '../models/inpainters';
import type { Inpainter, InpaintContext } from '../inpaint/inpainter';
import type { LearnedInpainters } from './learnedInpainters';

/** The networks' inputs for one image, [1,H,W,C] float32, named as the training Batch fields they equal. */
export interface PipelineInputs {
  image: tf.Tensor4D; // I
  gray: tf.Tensor4D; // gray(I)
  edges: tf.Tensor4D; // Canny(I) on the known pixels (1 - M)
  segmentation: tf.Tensor4D; // one-hot labels of I [1,H,W,K]
  mask: tf.Tensor4D; // M
}

export interface RemovalResult {
  /** I_I inside the hole, I outside [H,W,3] */
  output: Raster;
  /** the image inpainter's raw output [H,W,3] */
  raw: Raster;
  /** Canny(I) on the known pixels [H,W,1]: the known edges (the edge inpainter sees them outside the hole) */
  cannyEdges: Raster;
  /** inpainted edges composited with Canny(I) [H,W,1]: what the image inpainter sees */
  edges: Raster;
  /** inpainted class probabilities composited with the one-hot labels [H,W,K]: what the image inpainter sees */
  segmentationProbs: Raster;
  /** their argmax as a label map (instance ids 0) */
  segmentation: PanopticLabels;
  /** that label map in the class colours [H,W,3] (labelsToRaster), to show beside the image */
  segmentationColours: Raster;
}

function checkLabels(labels: PanopticLabels | undefined, image: Raster, where: string): PanopticLabels {
  if (!labels) {
    throw new Error(
      `${where}: no label map given. The segmentation inpainter needs the semantic labels of the image ` +
        'outside the hole: pass the triplet\'s labels (ground truth, the Table I "inpainting network only" setting) ' +
        "or a segmenter's prediction",
    );
  }
  if (
    labels.height !== image.height ||
    labels.width !== image.width ||
    labels.semantic.length !== image.height * image.width
  ) {
    throw new Error(
      `${where}: label map is ${labels.height}x${labels.width}, the image is ${image.height}x${image.width}`,
    );
  }
  return labels;
}

/** The tensors the pipeline feeds to the networks, built as makeBatch builds them for a training item, except
 *  that Canny runs on the known pixels only (EdgeConnect's test time). */
export function pipelineInputs(image: Raster, mask: Mask, labels: PanopticLabels, cannySigma: number): PipelineInputs {
  const { height: h, width: w } = image;
  const t = (data: ArrayLike<number>, c: number) => tf.tensor4d(Float32Array.from(data), [1, h, w, c]);
  const oneHot = semanticOneHot(labels);
  return {
    image: t(image.data, 3),
    gray: t(grayscale(image).data, 1),
    edges: t(canny(image, { sigma: cannySigma, validMask: invertMask(mask) }).data, 1),
    segmentation: t(oneHot.data, oneHot.channels),
    mask: t(mask.data, 1),
  };
}

async function toRaster(t: tf.Tensor4D): Promise<Raster> {
  const [, height, width, channels] = t.shape;
  return { height, width, channels, data: new Float32Array(await t.data()) };
}

function argmaxLabels(p: Raster): PanopticLabels {
  const { height, width, channels: K, data } = p;
  const semantic = new Uint8Array(height * width);
  for (let i = 0; i < semantic.length; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (data[i * K + k] > data[i * K + best]) best = k;
    semantic[i] = best;
  }
  return { height, width, semantic, instance: new Uint16Array(height * width) };
}

/** The output an inpainter's user gets: `fill` inside the hole, `known` outside, bit for bit (any channel count). */
export function compositeHole(known: Raster, fill: Raster, hole: Mask): Raster {
  assertRaster(fill, 'compositeHole (fill)', known.channels, known.height, known.width);
  assertBinaryMask(hole, 'compositeHole (hole)', known.height, known.width);
  const C = known.channels;
  const data = Float32Array.from(known.data);
  for (let p = 0; p < hole.data.length; p++)
    if (hole.data[p]) for (let c = 0; c < C; c++) data[p * C + c] = fill.data[p * C + c];
  return { height: known.height, width: known.width, channels: C, data };
}

/**
 * Removes what the hole covers: image [H,W,3] in [0,1] at the checkpoints' resolution, mask [H,W] binary (1 = hole,
 * not empty, not full), labels = panoptic labels of the image (only outside the hole matters). Returns the output
 * and every intermediate a notebook shows, e.g. in one row:
 *   const r = await removeObject(nets, t.image, t.mask, { labels: t.labels });
 *   await showImages([t.image, t.mask, r.edges, r.segmentationColours, r.output]);
 */
export async function removeObject(
  nets: LearnedInpainters,
  image: Raster,
  mask: Mask,
  options: { labels?: PanopticLabels } = {},
): Promise<RemovalResult> {
  const where = 'removeObject';
  checkInpaintInput(image, mask, where);
  assertRaster(image, where, 3);
  if (image.height !== nets.size || image.width !== nets.size) {
    throw new Error(
      `${where}: the image is ${image.height}x${image.width}, the inpainters (${nets.checkpoints.edge.path}) ` +
        `were trained at ${nets.size}x${nets.size}; resize it first`,
    );
  }
  const labels = checkLabels(options.labels, image, where);
  const x = pipelineInputs(image, mask, labels, nets.cannySigma);
  const y = tf.tidy(() => {
    const e = composite(nets.edge.apply({ gray: x.gray, edges: x.edges, mask: x.mask }), x.edges, x.mask); // [1,H,W,1]
    const s = composite(
      nets.segmentation.apply({ segmentation: x.segmentation, mask: x.mask }).probs,
      x.segmentation,
      x.mask,
    ); // [1,H,W,K]
    const raw = nets.image.apply({ image: x.image, edges: e, segmentation: s, mask: x.mask }); // [1,H,W,3]
    return { e, s, raw };
  });
  try {
    const [raw, edges, segmentationProbs, cannyEdges] = await Promise.all([y.raw, y.e, y.s, x.edges].map(toRaster));
    const segmentation = argmaxLabels(segmentationProbs);
    return {
      output: compositeHole(image, raw, mask),
      raw,
      cannyEdges,
      edges,
      segmentationProbs,
      segmentation,
      segmentationColours: labelsToRaster(segmentation),
    };
  } finally {
    tf.dispose([...Object.values(x), ...Object.values(y)]);
  }
}

/** The pipeline as the harness's Inpainter: the labels come from the context (the test triplet's). */
export function edgeConnectInpainter(nets: LearnedInpainters): Inpainter {
  return async (image: Raster, mask: Mask, context?: InpaintContext) =>
    (await removeObject(nets, image, mask, { labels: context?.labels })).output;
}
