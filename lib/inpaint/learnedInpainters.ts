// The three pretrained inpainters (edge, segmentation, image generators) loaded from training checkpoints
// (lib/train/checkpoint.ts): a run directory or its ckpt.json per part. Only the generator weights are read
// ('model.edge.*', 'model.segInpaint.*', 'model.image.*', the names lib/train/stages.ts gives them); the
// discriminators and Adam state in the same files are ignored. Each part is built with the architecture its own
// manifest records, so a checkpoint loads only into the network it was trained as.
// Checks, each naming the file: the checkpoint's stage is the part's pretraining stage; the three agree on image
// size and class count (the one-hot labels have NUM_CLASSES channels); the edge and image parts were trained on
// Canny edges of the same sigma (the pipeline computes edges once, with that sigma).
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, assignTensors, LoadedCheckpoint } from '../train/checkpoint';
import type { RunMeta } from '../train/loop';
import type { Architecture } from '../config/presets';
import { EdgeInpainter, SegmentationInpainter, ImageInpainter } from '../models/inpainters';
import { NUM_CLASSES } from '../data/classes';

export type InpainterPart = 'edge' | 'seg' | 'image';
export const INPAINTER_PARTS: readonly InpainterPart[] = ['edge', 'seg', 'image'];

/** Checkpoint of each part: a run directory or its ckpt.json. */
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

/** Training stage and checkpoint-name prefix of each part (lib/train/stages.ts). */
const PART_SOURCE: Record<InpainterPart, { stage: string; prefix: string }> = {
  edge: { stage: 'edge', prefix: 'model.edge.' },
  seg: { stage: 'seg', prefix: 'model.segInpaint.' },
  image: { stage: 'image', prefix: 'model.image.' },
};

const repoRoot = path.resolve(fs.realpathSync(__dirname), '..', '..');

function displayPath(file: string): string {
  const rel = path.relative(repoRoot, path.resolve(file));
  return rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(file) : rel;
}

function readPart(part: InpainterPart, p: string): LoadedCheckpoint<RunMeta> {
  const ckpt = loadCheckpoint<RunMeta>(p);
  const m = ckpt.meta;
  if (!m || typeof m !== 'object' || !m.architecture || !m.settings) throw new Error(`checkpoint ${ckpt.file}: no run metadata`);
  const want = PART_SOURCE[part].stage;
  if (m.stage !== want) {
    throw new Error(`checkpoint ${ckpt.file} is a '${m.stage}' checkpoint; the ${part} inpainter needs a checkpoint of the '${want}' stage`);
  }
  if (m.architecture.numClasses !== NUM_CLASSES) {
    throw new Error(`checkpoint ${ckpt.file} has ${m.architecture.numClasses} classes, this code has ${NUM_CLASSES} (lib/data/classes.ts)`);
  }
  return ckpt;
}

/** Generator variables by checkpoint name; every checkpoint tensor under the part's prefix must be one of them. */
function assignGenerator(ckpt: LoadedCheckpoint<RunMeta>, part: InpainterPart, named: Map<string, tf.Variable>): void {
  const prefix = PART_SOURCE[part].prefix;
  const vars = new Map([...named].map(([k, v]) => [prefix + k, v]));
  assignTensors(ckpt, vars, false);
  for (const name of ckpt.tensors.keys()) {
    if (name.startsWith(prefix) && !vars.has(name)) {
      throw new Error(`checkpoint ${ckpt.file}: tensor '${name}' is not part of the ${part} generator its manifest describes`);
    }
  }
}

export function loadLearnedInpainters(paths: CheckpointPaths): LearnedInpainters {
  for (const part of INPAINTER_PARTS) {
    if (typeof paths?.[part] !== 'string' || !paths[part]) throw new Error(`loadLearnedInpainters: no checkpoint given for the ${part} inpainter`);
  }
  const ckpts = Object.fromEntries(INPAINTER_PARTS.map((part) => [part, readPart(part, paths[part])])) as Record<InpainterPart, LoadedCheckpoint<RunMeta>>;
  const arch = (part: InpainterPart): Architecture => ckpts[part].meta.architecture;
  const size = arch('edge').size;
  for (const part of INPAINTER_PARTS) {
    if (arch(part).size !== size) {
      throw new Error(`checkpoints disagree on the image size: ${ckpts.edge.file} is ${size}x${size}, ` +
        `${ckpts[part].file} is ${arch(part).size}x${arch(part).size}`);
    }
  }
  const cannySigma = ckpts.edge.meta.settings.cannySigma;
  if (ckpts.image.meta.settings.cannySigma !== cannySigma) {
    throw new Error(`checkpoints disagree on the Canny sigma: ${ckpts.edge.file} has ${cannySigma}, ` +
      `${ckpts.image.file} has ${ckpts.image.meta.settings.cannySigma}`);
  }
  const config = (part: InpainterPart) => ({ width: arch(part).inpainterWidth, numResBlocks: arch(part).numResBlocks, seed: 0 });
  const edge = new EdgeInpainter(config('edge'));
  const segmentation = new SegmentationInpainter(NUM_CLASSES, config('seg'));
  const image = new ImageInpainter(NUM_CLASSES, config('image'));
  const dispose = () => [edge, segmentation, image].forEach((m) => m.params.dispose());
  try {
    assignGenerator(ckpts.edge, 'edge', edge.params.named());
    assignGenerator(ckpts.seg, 'seg', segmentation.params.named());
    assignGenerator(ckpts.image, 'image', image.params.named());
  } catch (e) {
    dispose();
    throw e;
  }
  const record = (part: InpainterPart): CheckpointRecord => {
    const c = ckpts[part];
    const sha256 = (JSON.parse(fs.readFileSync(c.file, 'utf8')) as { sha256: string }).sha256; // verified by loadCheckpoint
    return { path: displayPath(c.file), stage: c.meta.stage, preset: c.meta.preset, step: c.meta.step, sha256 };
  };
  return {
    edge, segmentation, image, size, numClasses: NUM_CLASSES, cannySigma,
    checkpoints: { edge: record('edge'), seg: record('seg'), image: record('image') },
    dispose,
  };
}
