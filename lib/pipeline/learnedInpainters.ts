// The three pretrained inpainters (edge, segmentation, image generators), each loaded from either format:
//   a training run (lib/train/checkpoint.ts): a run directory or its ckpt.json, float32; only the generator
//     weights are read ('model.edge.*', 'model.segInpaint.*', 'model.image.*', the names lib/train/stages.ts gives
//     them), the discriminators and Adam state in the same files are ignored;
//   exported weights (./shippedWeights.ts): a checkpoints/<preset>/<stage> folder or its weights.json, float16.
// Each part is built with the architecture its own manifest records, so weights load only into the network they
// were trained as. Checks, each naming the file: the checksum of the tensor file; the part's pretraining stage;
// the three agree on image size and class count (the one-hot labels have NUM_CLASSES channels); the edge and image
// parts were trained on Canny edges of the same sigma (the pipeline computes edges once, with that sigma).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, assignTensors, type LoadedCheckpoint, MANIFEST as RUN_MANIFEST } from '../train/checkpoint';
import type { RunMeta } from '../train/loop';
import { repoRelative } from '../io/repoRoot';
import { GENERATOR_PREFIX, SHIPPED_MANIFEST, loadShippedWeights } from '../io/shippedWeights';
import { type Architecture, recordedArchitecture } from '../config/presets';
import { EdgeInpainter, SegmentationInpainter, ImageInpainter } from '../models/inpainters';
import { NUM_CLASSES } from '../data/classes';

export type InpainterPart = 'edge' | 'segInpainter' | 'image';
export const INPAINTER_PARTS: readonly InpainterPart[] = ['edge', 'segInpainter', 'image'];

/** Weights of each part: a run directory or its ckpt.json, or an exported folder or its weights.json. */
export type CheckpointPaths = Record<InpainterPart, string>;

/** What identifies a loaded checkpoint (recorded in experiment specs). */
export interface CheckpointRecord {
  /** the manifest, relative to the repository root when inside it */
  path: string;
  stage: string;
  preset: string;
  step: number;
  /** SHA-256 of the tensor file, from the manifest */
  sha256: string;
}

export interface LearnedInpainters {
  edge: EdgeInpainter;
  segmentation: SegmentationInpainter;
  image: ImageInpainter;
  /** images are size x size */
  size: number;
  numClasses: number;
  cannySigma: number;
  checkpoints: Record<InpainterPart, CheckpointRecord>;
  dispose(): void;
}

/** One part's weights, whichever the format, with what the checks need. */
interface PartWeights extends LoadedCheckpoint<null> {
  stage: string;
  preset: string;
  step: number;
  architecture: Architecture;
  cannySigma: number;
  sha256: string;
}

/** A folder holding weights.json is an export, one holding ckpt.json a run; a file is read by its name. */
function isExport(p: string): boolean {
  if (!fs.existsSync(p))
    throw new Error(
      `weights ${p}: not found (a training run directory, a folder written by npm run export-weights, or their ` +
        `manifest)`,
    );
  if (!fs.statSync(p).isDirectory()) return path.basename(p) === SHIPPED_MANIFEST;
  const shipped = fs.existsSync(path.join(p, SHIPPED_MANIFEST));
  const run = fs.existsSync(path.join(p, RUN_MANIFEST));
  if (shipped && run) throw new Error(`${p} holds both ${SHIPPED_MANIFEST} and ${RUN_MANIFEST}: pass one of the files`);
  if (!shipped && !run)
    throw new Error(`${p} holds neither ${SHIPPED_MANIFEST} (exported weights) nor ${RUN_MANIFEST} (a training run)`);
  return shipped;
}

function readWeights(p: string): PartWeights {
  if (isExport(p)) {
    const w = loadShippedWeights(p);
    const m = w.manifest;
    return {
      file: w.file,
      meta: null,
      tensors: w.tensors,
      stage: m.stage,
      preset: m.preset,
      step: m.source.step,
      architecture: recordedArchitecture(m.architecture),
      cannySigma: m.cannySigma,
      sha256: m.sha256,
    };
  }
  const ckpt = loadCheckpoint<RunMeta>(p);
  const m = ckpt.meta;
  if (!m || typeof m !== 'object' || !m.architecture || !m.settings)
    throw new Error(`checkpoint ${ckpt.file}: no run metadata`);
  return {
    file: ckpt.file,
    meta: null,
    tensors: ckpt.tensors,
    stage: m.stage,
    preset: m.preset,
    step: m.step,
    architecture: recordedArchitecture(m.architecture),
    cannySigma: m.settings.cannySigma,
    sha256: ckpt.sha256,
  };
}

function readPart(part: InpainterPart, p: string): PartWeights {
  const w = readWeights(p);
  if (w.stage !== part) {
    throw new Error(
      `checkpoint ${w.file} is a '${w.stage}' checkpoint; the ${part} inpainter needs a checkpoint of the '${part}' ` +
        `stage`,
    );
  }
  if (w.architecture.numClasses !== NUM_CLASSES) {
    throw new Error(
      `checkpoint ${w.file} has ${w.architecture.numClasses} classes, this code has ${NUM_CLASSES} ` +
        `(lib/data/classes.ts)`,
    );
  }
  return w;
}

/** Generator variables by checkpoint name; every checkpoint tensor under the part's prefix must be one of them. */
function assignGenerator(ckpt: PartWeights, part: InpainterPart, named: Map<string, tf.Variable>): void {
  const prefix = GENERATOR_PREFIX[part];
  const vars = new Map([...named].map(([k, v]) => [prefix + k, v]));
  assignTensors(ckpt, vars, false);
  for (const name of ckpt.tensors.keys()) {
    if (name.startsWith(prefix) && !vars.has(name)) {
      throw new Error(
        `checkpoint ${ckpt.file}: tensor '${name}' is not part of the ${part} generator its manifest describes`,
      );
    }
  }
}

export function loadLearnedInpainters(paths: CheckpointPaths): LearnedInpainters {
  for (const part of INPAINTER_PARTS) {
    if (typeof paths?.[part] !== 'string' || !paths[part])
      throw new Error(`loadLearnedInpainters: no checkpoint given for the ${part} inpainter`);
  }
  const ckpts = Object.fromEntries(INPAINTER_PARTS.map((part) => [part, readPart(part, paths[part])])) as Record<
    InpainterPart,
    PartWeights
  >;
  const arch = (part: InpainterPart): Architecture => ckpts[part].architecture;
  const size = arch('edge').size;
  for (const part of INPAINTER_PARTS) {
    if (arch(part).size !== size) {
      throw new Error(
        `checkpoints disagree on the image size: ${ckpts.edge.file} is ${size}x${size}, ` +
          `${ckpts[part].file} is ${arch(part).size}x${arch(part).size}`,
      );
    }
  }
  const cannySigma = ckpts.edge.cannySigma;
  if (ckpts.image.cannySigma !== cannySigma) {
    throw new Error(
      `checkpoints disagree on the Canny sigma: ${ckpts.edge.file} has ${cannySigma}, ` +
        `${ckpts.image.file} has ${ckpts.image.cannySigma}`,
    );
  }
  const config = (part: InpainterPart) => ({
    width: arch(part).inpainterWidth,
    numResBlocks: arch(part).numResBlocks,
    seed: 0,
  });
  const edge = new EdgeInpainter(config('edge'));
  const segmentation = new SegmentationInpainter(NUM_CLASSES, config('segInpainter'));
  const image = new ImageInpainter(NUM_CLASSES, config('image'), arch('image').imageInpainter);
  const dispose = () => [edge, segmentation, image].forEach((m) => m.params.dispose());
  try {
    assignGenerator(ckpts.edge, 'edge', edge.params.named());
    assignGenerator(ckpts.segInpainter, 'segInpainter', segmentation.params.named());
    assignGenerator(ckpts.image, 'image', image.params.named());
  } catch (e) {
    dispose();
    throw e;
  }
  const record = (part: InpainterPart): CheckpointRecord => {
    const c = ckpts[part];
    return { path: repoRelative(c.file), stage: c.stage, preset: c.preset, step: c.step, sha256: c.sha256 };
  };
  return {
    edge,
    segmentation,
    image,
    size,
    numClasses: NUM_CLASSES,
    cannySigma,
    checkpoints: { edge: record('edge'), segInpainter: record('segInpainter'), image: record('image') },
    dispose,
  };
}
