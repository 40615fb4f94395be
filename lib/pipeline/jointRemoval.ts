// Object removal with a learned mask (paper Fig. 2, Sec. III-C; the rows of Tables IV and V), in the paper's
// automatic setting: the ground-truth object mask m_G only selects which segment to remove, it is never filled
// itself.
//   ours (a joint run, with or without MEL): segmenter(I) -> the person segment overlapping m_G most -> M ->
//     the run's edge, segmentation and image inpainters fill M (lib/models/jointNetwork.ts, as in training)
//   segmenter mask (+ k px): the pretrained segmenter's person component overlapping m_G most, dilated by k px
//     (ref. [27]; k = 0 is the paper's setting for the earlier methods), filled by any inpainter (Telea, ours...);
//     also the from-scratch segmenter's segment, for the comparison of the segmenters
// A Remover returns the finished image: I outside its own mask, the fill inside. Its mask may reach beyond m_G (that
// is what MEL learns) or miss part of it (a segmenter misses limbs), so the caller must not composite over m_G.
// An empty selection (the segmenter sees no person on m_G) removes nothing, and a mask grown over the whole image
// has nothing to be filled from: in both cases the output is I.
import * as tf from '@tensorflow/tfjs';
import { type Mask, type Raster, maskArea } from '../image/raster';
import { dilate } from '../image/morphology';
import { canny } from '../image/canny';
import { grayscale } from '../image/grayscale';
import { type PanopticLabels, semanticOneHot } from '../data/labels';
import { type JointNetwork, createJointNetwork } from '../models/jointNetwork';
import { type PretrainedSegmenter, loadPretrainedSegmenter, personSegments } from '../models/pretrainedSegmenter';
import { selectPersonSegment, selectSegment } from '../models/maskSelection';
import { Segmenter } from '../models/segmenter';
import { type LoadedCheckpoint, assignTensors, loadCheckpoint } from '../train/checkpoint';
import { SHIPPED_MANIFEST, loadShippedWeights } from '../io/shippedWeights';
import { repoRelative } from '../io/repoRoot';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunMeta } from '../train/loop';
import type { Inpainter } from '../inpaint/inpainter';
import { recordedArchitecture } from '../config/presets';

/** (I, m_G, labels of I) -> the image with the selected object removed, and the mask that was filled. */
export type Remover = (image: Raster, maskGT: Mask, labels: PanopticLabels) => Promise<{ output: Raster; mask: Mask }>;

/** A joint run's networks, ready for inference. */
export interface JointRemovalNetwork {
  net: JointNetwork;
  /** the run's checkpoint (repository-relative as recorded), its step and SHA-256 */
  checkpoint: { file: string; step: number; sha256: string };
  size: number;
  cannySigma: number;
  dispose(): void;
}

/** Loads the four networks of a joint run's checkpoint (its folder or ckpt.json; an average of snapshots too), or
 *  of its float16 export (npm run export-weights: a folder holding weights.json, or that file). */
export function loadJointRemovalNetwork(file: string): JointRemovalNetwork {
  const exported = path.basename(file) === SHIPPED_MANIFEST || fs.existsSync(path.join(file, SHIPPED_MANIFEST));
  const ckpt = exported ? exportAsCheckpoint(file) : loadCheckpoint<RunMeta>(file);
  const meta = ckpt.meta;
  if (meta.stage !== 'joint') throw new Error(`${ckpt.file}: a '${meta.stage}' checkpoint, not a joint run's`);
  const a = recordedArchitecture(meta.architecture);
  const pretrained: PretrainedSegmenter | undefined =
    meta.settings.segmenter === 'pretrained' ? loadPretrainedSegmenter() : undefined;
  const net = createJointNetwork({
    numClasses: a.numClasses,
    segmenterWidth: a.segmenterWidth,
    inpainterWidth: a.inpainterWidth,
    numResBlocks: a.numResBlocks,
    imageInpainter: a.imageInpainter,
    seed: meta.settings.modelSeed,
    pretrainedSegmenter: pretrained,
  });
  const vars = new Map([...net.named()].map(([k, v]) => [`model.${k}`, v]));
  assignTensors(ckpt, vars, false);
  return {
    net,
    checkpoint: { file: repoRelative(ckpt.file), step: meta.step, sha256: ckpt.sha256 },
    size: a.size,
    cannySigma: meta.settings.cannySigma,
    dispose: () => {
      tf.dispose([...net.named().values()]);
      pretrained?.dispose();
    },
  };
}

/** A joint export read as the checkpoint it came from: its source's step and SHA-256, the run's settings. */
function exportAsCheckpoint(file: string): LoadedCheckpoint<RunMeta> {
  const w = loadShippedWeights(file);
  const m = w.manifest;
  if (m.stage !== 'joint' || !m.settings)
    throw new Error(`${w.file}: exported '${m.stage}' weights, not a joint run's`);
  const meta = {
    stage: 'joint',
    preset: m.preset,
    architecture: m.architecture,
    settings: m.settings,
    step: m.source.step,
  } as RunMeta;
  return { file: w.file, meta, sha256: m.source.sha256, tensors: w.tensors };
}

const toTensor = (data: ArrayLike<number>, h: number, w: number, c: number) =>
  tf.tensor4d(Float32Array.from(data), [1, h, w, c]);

/** A segmenter whose masks the segmenter-mask rows fill: the pretrained person segmenter (its shipped weights, or a
 *  run's), or the from-scratch panoptic segmenter trained on procedural scenes (lib/models/segmenter.ts). */
export type MaskSegmenter = PretrainedSegmenter | Segmenter;

/** The segmenter of a segmenter-stage run: the pretrained one fine-tuned on L_PS alone (`--segmenter pretrained`),
 *  or the from-scratch one (the default), with the run's weights. */
export function loadSegmenterRun(file: string): {
  segmenter: MaskSegmenter;
  checkpoint: { file: string; step: number; sha256: string };
} {
  const ckpt = loadCheckpoint<RunMeta>(file);
  if (ckpt.meta.stage !== 'segmenter') throw new Error(`${ckpt.file}: a '${ckpt.meta.stage}' run, not a segmenter's`);
  const a = recordedArchitecture(ckpt.meta.architecture);
  const segmenter =
    ckpt.meta.settings.segmenter === 'pretrained'
      ? loadPretrainedSegmenter()
      : new Segmenter({ numClasses: a.numClasses, width: a.segmenterWidth, seed: ckpt.meta.settings.modelSeed });
  const vars = new Map([...segmenter.params.named()].map(([k, v]) => [`model.seg.${k}`, v]));
  assignTensors(ckpt, vars, false);
  return { segmenter, checkpoint: { file: repoRelative(ckpt.file), step: ckpt.meta.step, sha256: ckpt.sha256 } };
}

/** 'ours': the joint network end to end, fed as lib/train/stages.ts feeds it in training (Canny of the whole I). */
export function jointRemover(r: JointRemovalNetwork): Remover {
  return async (image, maskGT, labels) => {
    const { height: h, width: w } = image;
    if (h !== r.size || w !== r.size) {
      throw new Error(`jointRemover: the image is ${h}x${w}, ${r.checkpoint.file} was trained at ${r.size}x${r.size}`);
    }
    const oneHot = semanticOneHot(labels);
    const inputs = {
      image: toTensor(image.data, h, w, 3),
      gray: toTensor(grayscale(image).data, h, w, 1),
      edges: toTensor(canny(image, { sigma: r.cannySigma }).data, h, w, 1),
      maskGT: toTensor(maskGT.data, h, w, 1),
      labels: toTensor(oneHot.data, h, w, oneHot.channels),
    };
    const out = tf.tidy(() => {
      const y = r.net.apply(inputs);
      return { composited: y.outputComposite, mask: y.mask };
    });
    try {
      const [composited, hole] = await Promise.all([out.composited.data(), out.mask.data()]);
      return {
        output: { height: h, width: w, channels: 3, data: Float32Array.from(composited) },
        mask: { height: h, width: w, data: Uint8Array.from(hole, (v) => (v > 0.5 ? 1 : 0)) },
      };
    } finally {
      tf.dispose([...Object.values(inputs), out.composited, out.mask]);
    }
  };
}

/** The segment overlapping m_G most (Sec. III-C): of the pretrained segmenter, its person component (P > 0.5),
 *  empty if none overlaps; of the from-scratch one, its panoptic segment of any class (lib/models/maskSelection.ts
 *  selectSegment, the hard mask its joint network fills). Default: the pretrained segmenter's shipped weights. */
export async function segmenterMask(image: Raster, maskGT: Mask, segmenter?: MaskSegmenter): Promise<Mask> {
  const { height: h, width: w } = image;
  if (segmenter instanceof Segmenter) {
    const out = tf.tidy(() => {
      const y = segmenter.apply(toTensor(image.data, h, w, 3));
      return { labels: tf.argMax(y.semanticLogits, -1), cut: tf.step(y.boundaryLogits) }; // boundary P > 0.5
    });
    const [labels, cut] = await Promise.all([out.labels.data(), out.cut.data()]);
    tf.dispose([out.labels, out.cut]);
    return { height: h, width: w, data: selectSegment(labels, cut, maskGT.data, h, w).mask };
  }
  const s = await personSegments(image, { segmenter });
  const person = Uint8Array.from(s.labels, (l) => (l >= 0 ? 1 : 0));
  return { height: h, width: w, data: selectPersonSegment(person, maskGT.data, h, w).mask };
}

/** The segmenter's mask dilated by k px (Euclidean disk), filled by `fill`. */
export function segmenterMaskRemover(fill: Inpainter, k: number, segmenter?: MaskSegmenter): Remover {
  if (!(Number.isInteger(k) && k >= 0)) throw new Error(`segmenterMaskRemover: k must be an integer >= 0, got ${k}`);
  return async (image, maskGT, labels) => {
    const selected = await segmenterMask(image, maskGT, segmenter);
    const mask = k > 0 && maskArea(selected) > 0 ? dilate(selected, k) : selected;
    // nothing selected, or a mask over the whole image (nothing known to fill it from): the output is I
    if (maskArea(mask) === 0 || maskArea(mask) === mask.data.length) return { output: image, mask };
    const filled = await fill(image, mask, { labels });
    const data = Float32Array.from(image.data);
    for (let p = 0; p < mask.data.length; p++)
      if (mask.data[p]) for (let c = 0; c < 3; c++) data[p * 3 + c] = filled.data[p * 3 + c];
    return { output: { ...image, data }, mask };
  };
}
