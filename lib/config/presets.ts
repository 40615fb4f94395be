// Training presets, plain objects. A preset fixes the architecture (a checkpoint records it and refuses to load
// into another) and the optimisation settings; CLI flags override only what they name.
//
//   tiny   CI and tests: 32x32, width 4, 1 residual block, a few steps; seconds on one core.
//   cpu    a 2-core CPU (wasm backend with the native oneDNN kernels): 64x64, batch 4, inpainters width 16
//          with 4 residual blocks, discriminators width 16, segmenter width 16: the largest size at which a
//          pretraining stage finishes in about an hour (step times per size: bench/train.json).
//   paper  a GPU: 256x256, batch 4, EdgeConnect widths (64, 8 residual blocks, D width 64), Adam lr 1e-5 (paper
//          Sec. IV-A). Steps are our choice: the paper gives none.
// Learning rates: the paper uses 1e-5 (it fine-tunes a pretrained PanopticFPN and trains for long); EdgeConnect's
// own config uses 1e-4 with the discriminator at 0.1x and betas (0, 0.9). The tiny and cpu presets train for far
// fewer steps, so their inpainters use 1e-4 (cpu, EdgeConnect's value) and 1e-3 (tiny, only needs to move); our
// segmenter stands in for PanopticFPN and trains from scratch, so it uses 1e-3 with the usual betas (0.9, 0.999).
// The joint stage fine-tunes everything from pretrained weights with one lr for all four networks.
import { paperLossWeights, type LossWeights } from '../losses/weights';
import { NUM_CLASSES } from '../data/classes';
import type { L1Normalisation } from '../losses/reconstruction';

export type PresetName = 'tiny' | 'cpu' | 'paper';
export const STAGES = ['edge', 'segInpainter', 'image', 'segmenter', 'joint'] as const;
export type StageName = (typeof STAGES)[number];

/** A stage or part name as a checkpoint records it: the segmentation inpainter's was 'seg' until it was renamed, as
 *  'seg' also named the segmenter (whose tensors keep the prefix 'seg.'). */
export function recordedStageName(name: string): string {
  return name === 'seg' ? 'segInpainter' : name;
}

/** Recorded metadata (a run's meta, an export's source) under today's stage names: its `stage`, and the `part` of
 *  every init record, recursively. */
export function withRecordedStageNames<T>(meta: T): T {
  if (!meta || typeof meta !== 'object') return meta;
  const m = meta as Record<string, unknown>;
  const out = { ...m };
  if (typeof m.stage === 'string') out.stage = recordedStageName(m.stage);
  if (typeof m.part === 'string') out.part = recordedStageName(m.part);
  if (Array.isArray(m.init)) out.init = m.init.map(withRecordedStageNames);
  return out as T;
}

/** What the image inpainter's pretraining losses see: its raw output I_I over the whole image (EdgeConnect), or
 *  I_I composited with the known pixels, I_I * M + I * (1 - M) (the image the user gets; the joint stage always). */
export type ImageLossTarget = 'output' | 'composite';

/** The cues the image stage trains on: the ground truth's (Canny(I_G), labels of I_G; EdgeConnect's inpainting
 *  model) or the pretrained edge and segmentation inpainters' outputs, as the pipeline feeds it at test time
 *  (EdgeConnect's "edge-inpaint" model 3; the cue networks are loaded with --init-edge / --init-segInpainter and frozen). */
export type ImageCues = 'gt' | 'inpainted';

/** The image inpainter's design (lib/models/inpainters.ts ImageInpainter): 'edgeconnect', the paper's (holes filled
 *  white, output (tanh + 1) / 2), or 'telea-refiner' (holes pre-filled by Telea's method, output Telea's fill plus a
 *  learned correction tanh(G), so it starts as Telea's fill and learns what Telea gets wrong). */
export const IMAGE_INPAINTER_KINDS = ['edgeconnect', 'telea-refiner'] as const;
export type ImageInpainterKind = (typeof IMAGE_INPAINTER_KINDS)[number];

export interface Architecture {
  /** images are size x size */
  size: number;
  numClasses: number;
  inpainterWidth: number;
  numResBlocks: number;
  discriminatorWidth: number;
  segmenterWidth: number;
  imageInpainter: ImageInpainterKind;
}

/** An architecture as a checkpoint records it, with the fields recorded only since some date at the value every
 *  checkpoint written before had. */
export function recordedArchitecture(a: Omit<Architecture, 'imageInpainter'> & Partial<Architecture>): Architecture {
  return { imageInpainter: 'edgeconnect', ...a };
}

/** The preset with another image inpainter design (--image-inpainter); undefined keeps the preset's. */
export function withImageInpainter(preset: Preset, kind: ImageInpainterKind | undefined): Preset {
  if (kind === undefined) return preset;
  return { ...preset, architecture: { ...preset.architecture, imageInpainter: kind } };
}

/** What training items are made of (lib/train/batches.ts loadTrainingData, lib/data/triplets.ts TripletSources):
 *  the share of photo backgrounds (the library's train split) against procedural scenes, and the shares of the
 *  pasted people that are real cutouts (vtest.avi's training range, the Tux Paint firemen); procedural people the
 *  rest. 'coco' is the paper's data instead: people of a local COCO copy pasted onto its images (lib/data/coco.ts). */
export interface DataMix {
  name: DataMixName;
  photoShare: number;
  vtestShare: number;
  firemenShare: number;
  /** 'coco': the COCO root and split (default train2017) */
  coco?: { root: string; split: string };
}
export type DataMixName = 'photos' | 'procedural' | 'coco';

export const DATA_MIXES: Record<'photos' | 'procedural', DataMix> = {
  // Mostly real photos as backgrounds. People: half procedural (endless variety of shape and clothing), 40 % real
  // pedestrians, 10 % the two firemen (only two: more would be learnt by heart).
  photos: { name: 'photos', photoShare: 0.75, vtestShare: 0.4, firemenShare: 0.1 },
  // the embedded data alone (procedural scenes and people)
  procedural: { name: 'procedural', photoShare: 0, vtestShare: 0, firemenShare: 0 },
};

/** 'photos', 'procedural', or 'coco:ROOT[#SPLIT]' (a COCO copy: ROOT/annotations/instances_SPLIT.json, ROOT/SPLIT/). */
export function getDataMix(name: string): DataMix {
  if (name.startsWith('coco:')) {
    const [root, split] = name.slice(5).split('#');
    if (!root) throw new Error(`--data coco:ROOT needs the folder of a COCO copy, got '${name}'`);
    return { name: 'coco', photoShare: 0, vtestShare: 0, firemenShare: 0, coco: { root, split: split || 'train2017' } };
  }
  if (!(name in DATA_MIXES))
    throw new Error(`unknown --data '${name}'; choose one of ${Object.keys(DATA_MIXES).join(', ')}, coco:ROOT`);
  return DATA_MIXES[name as keyof typeof DATA_MIXES];
}

export interface Preset {
  name: PresetName;
  architecture: Architecture;
  /** training data (the run records it; --data overrides) */
  data: DataMix;
  /** test images at this preset (lib/eval/experiments.ts): size x size px, `count` a test set (a quarter a bucket) */
  evaluation: { size: number; count: number };
  batch: number;
  /** default number of steps per stage */
  steps: Record<StageName, number>;
  checkpointEvery: number;
  /** generator-side lr per stage; the discriminators use discriminatorLrRatio x this */
  lr: Record<StageName, number>;
  discriminatorLrRatio: number;
  /** Adam betas of the GAN stages (generators and discriminators) and of the segmenter-only stage */
  ganBetas: [number, number];
  segmenterBetas: [number, number];
  /** number of training pairs: items 0..pairs-1 of the procedural train split (seed dataSeed), reshuffled per epoch */
  pairs: number;
  dataSeed: number;
  /** seed of the weight initialisation */
  modelSeed: number;
  /** Canny sigma: EdgeConnect uses 2 at 256x256; we scale it down with the resolution (never below 1) */
  cannySigma: number;
  weights: LossWeights;
  imageLoss: ImageLossTarget;
  /** N_M of L_IR (Eq. 7) in the image and joint stages: the batch's masked pixels (EdgeConnect) or each image's */
  l1Per: L1Normalisation;
  /** L_PS = CE + boundaryWeight * BCE(instance boundary), boundary pixels weighted up by positiveWeight (our choice) */
  panoptic: { boundaryWeight: number; positiveWeight: number };
}

const shared = {
  discriminatorLrRatio: 0.1,
  ganBetas: [0, 0.9] as [number, number],
  segmenterBetas: [0.9, 0.999] as [number, number],
  dataSeed: 1,
  modelSeed: 0,
  weights: paperLossWeights,
  panoptic: { boundaryWeight: 1, positiveWeight: 5 },
  data: DATA_MIXES.photos,
};

export const PRESETS: Record<PresetName, Preset> = {
  tiny: {
    ...shared,
    name: 'tiny',
    architecture: {
      size: 32,
      numClasses: NUM_CLASSES,
      inpainterWidth: 4,
      numResBlocks: 1,
      discriminatorWidth: 4,
      segmenterWidth: 4,
      imageInpainter: 'edgeconnect',
    },
    // 64 px, not the training size: the paper protocol's SSIM window is 51 px. So the learned pipeline trained at
    // tiny cannot be evaluated at tiny (loadInpainter refuses the size); CI evaluates the classical fills.
    evaluation: { size: 64, count: 8 },
    batch: 2,
    steps: { edge: 4, segInpainter: 4, image: 4, segmenter: 4, joint: 4 },
    checkpointEvery: 2,
    lr: { edge: 1e-3, segInpainter: 1e-3, image: 1e-3, segmenter: 1e-3, joint: 1e-4 },
    pairs: 64,
    cannySigma: 1,
    imageLoss: 'composite', // tiny follows cpu, so CI runs its paths
    l1Per: 'image',
  },
  cpu: {
    ...shared,
    name: 'cpu',
    architecture: {
      size: 64,
      numClasses: NUM_CLASSES,
      inpainterWidth: 16,
      numResBlocks: 4,
      discriminatorWidth: 16,
      segmenterWidth: 16,
      imageInpainter: 'edgeconnect',
    },
    evaluation: { size: 64, count: 400 }, // 100 a bucket: standard errors of a few tenths of a dB
    batch: 4,
    steps: { edge: 10000, segInpainter: 10000, image: 10000, segmenter: 10000, joint: 5000 },
    checkpointEvery: 250,
    lr: { edge: 1e-4, segInpainter: 1e-4, image: 1e-4, segmenter: 1e-3, joint: 2e-5 },
    pairs: 20000,
    cannySigma: 1,
    // The style loss is computed on the discriminator's activations (the paper's L_IS; VGG19 cannot be had),
    // whose scale grows as D trains: with the paper's lambda_IS = 250 it comes to dominate the image inpainter's
    // loss within a thousand steps and L1 rises. The paper fine-tunes for long at lr 1e-5; short runs need L1 to
    // lead, so lambda_IS = 1 here. The preset keeps the method's four terms (the shipped image weights were
    // trained on L1 alone: checkpoints/README.md).
    weights: { ...paperLossWeights, lambdaIS: 1 },
    // The image inpainter's losses on the composited output: an L1 over the whole raw output spends the small
    // network's capacity re-drawing the ~90 % of known pixels, which the output never uses, and leaves the hole's
    // mean colour off.
    imageLoss: 'composite',
    // N_M per image: Eq. 7 read per image. EdgeConnect's batch normalisation gives an image with a 3 % hole a tenth
    // of the weight of one with a 30 % hole, and small holes are where the image inpainter lags Telea most.
    l1Per: 'image',
  },
  paper: {
    ...shared,
    name: 'paper',
    architecture: {
      size: 256,
      numClasses: NUM_CLASSES,
      inpainterWidth: 64,
      numResBlocks: 8,
      discriminatorWidth: 64,
      segmenterWidth: 64,
      imageInpainter: 'edgeconnect',
    },
    evaluation: { size: 256, count: 5000 }, // the paper's test-set size and resolution
    batch: 4,
    steps: { edge: 300000, segInpainter: 300000, image: 300000, segmenter: 300000, joint: 100000 },
    checkpointEvery: 1000,
    lr: { edge: 1e-5, segInpainter: 1e-5, image: 1e-5, segmenter: 1e-5, joint: 1e-5 },
    pairs: 118287, // the number of COCO training images the paper uses
    cannySigma: 2,
    imageLoss: 'output', // EdgeConnect
    l1Per: 'batch', // EdgeConnect
  },
};

export function getPreset(name: string): Preset {
  if (!(name in PRESETS)) throw new Error(`unknown preset '${name}'; choose one of ${Object.keys(PRESETS).join(', ')}`);
  return PRESETS[name as PresetName];
}
