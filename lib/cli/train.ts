// npm run train -- --stage edge|segInpainter|image|segmenter|joint --preset tiny|cpu|paper [options]
//
// Trains one stage (lib/train/loop.ts). The options, their defaults and checks are in TRAIN_CLI below
// (`npm run train -- --help` prints them). Ctrl-C says which checkpoint is kept and how to continue.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend, BACKENDS, type BackendName } from '../backend/index';
import {
  getPreset,
  getDataMix,
  DATA_MIXES,
  IMAGE_INPAINTER_KINDS,
  PRESETS,
  STAGES,
  type StageName,
} from '../config/presets';
import { runTraining, type RunOptions, type PartName } from '../train/loop';
import { SEGMENTER_KINDS, DEFAULT_SEGMENTER } from '../train/stages';
import type { LossWeights } from '../losses/weights';
import { hasCheckpoint, MANIFEST } from '../train/checkpoint';
import { type CliSpec, parseCli, integerArg, numberArg, choiceArg, runCli } from './args';

const PARTS: PartName[] = ['edge', 'segInpainter', 'image', 'segmenter'];

export const TRAIN_CLI: CliSpec = {
  name: 'train',
  usage: '--stage STAGE [--preset tiny|cpu|paper] [options]',
  summary:
    'Trains one stage into a run directory (checkpoints with optimizer state, log.jsonl); kill it at any time and\n' +
    'repeat the command with --resume.',
  options: {
    stage: { type: 'string', value: STAGES.join('|'), help: 'the stage to train (required)' },
    preset: { type: 'string', value: Object.keys(PRESETS).join('|'), help: 'the preset (default cpu)' },
    out: {
      type: 'string',
      value: 'DIR',
      help:
        'run directory (default runs/<stage>-<preset>' +
        '[-random][-cues][-nomel][-alphaA][-pairsN][-procedural|-coco])',
    },
    steps: { type: 'string', value: 'N', help: "total steps (default: the preset's for the stage)" },
    resume: { type: 'boolean', help: 'continue the run in --out from its checkpoint' },
    'checkpoint-every': { type: 'string', value: 'K', help: "checkpoint every K steps (default: the preset's)" },
    'keep-every': {
      type: 'string',
      value: 'K',
      help: "also keep every K-th step's checkpoint in <out>/snapshots/ (for averaging)",
    },
    masks: {
      type: 'string',
      value: 'random|object',
      help: 'inpainter stages: training masks (paper Table II; default object)',
    },
    init: {
      type: 'string',
      value: 'CKPT',
      help: 'start from the weights of a checkpoint of the same stage, fresh optimizer (Table III)',
    },
    pairs: { type: 'string', value: 'N', help: "number of training pairs (Table III; default: the preset's)" },
    seed: { type: 'string', value: 'S', help: "model and data seed (Table II repeats; default 0, the preset's)" },
    data: {
      type: 'string',
      value: `${Object.keys(DATA_MIXES).join('|')}|coco:ROOT[#SPLIT]`,
      help: 'photo backgrounds + real people, procedural only, or a local COCO copy (default photos)',
    },
    'no-mel': { type: 'boolean', help: 'joint stage without the mask expansion loss (= --weights lambdaX=0)' },
    alpha: {
      type: 'string',
      value: 'A',
      help: 'joint stage: alpha of the mask expansion loss, >= 0 (= --weights alpha=A; default 0.03)',
    },
    'init-edge': {
      type: 'string',
      value: 'CKPT',
      help: 'joint stage (or image stage with --cues inpainted): pretrained edge inpainter',
    },
    'init-segInpainter': { type: 'string', value: 'CKPT', help: 'likewise, the segmentation inpainter' },
    'init-image': { type: 'string', value: 'CKPT', help: 'joint stage: the image inpainter' },
    'init-segmenter': { type: 'string', value: 'CKPT', help: 'joint stage: the segmenter' },
    segmenter: {
      type: 'string',
      value: SEGMENTER_KINDS.join('|'),
      help:
        "segmenter and joint stages: MediaPipe's pretrained person segmenter or ours from scratch " +
        '(default: pretrained; tiny: scratch)',
    },
    lr: { type: 'string', value: 'X', help: "generator-side learning rate (discriminators: the preset's ratio x X)" },
    cues: {
      type: 'string',
      value: 'gt|inpainted',
      help: "image stage: ground-truth cues (default) or the frozen edge and seg inpainters' outputs",
    },
    'image-loss': {
      type: 'string',
      value: 'output|composite',
      help: "image stage: what its losses see (default: the preset's)",
    },
    'image-inpainter': {
      type: 'string',
      value: IMAGE_INPAINTER_KINDS.join('|'),
      help:
        "image and joint stages: the image inpainter's design (default: the preset's, edgeconnect; telea-refiner " +
        "learns a correction of Telea's fill: lib/models/inpainters.ts)",
    },
    'l1-per': {
      type: 'string',
      value: 'batch|image',
      help: "image and joint stages: N_M of L_IR (default: the preset's)",
    },
    weights: {
      type: 'string',
      value: 'K=V,...',
      help: "replace some of the preset's loss weights (names as in lib/losses/weights.ts)",
    },
    backend: { type: 'string', value: BACKENDS.join('|'), help: "tfjs backend (default: initBackend's choice)" },
    threads: {
      type: 'string',
      value: 'N',
      help:
        'wasm threads (default: the number of cores, at most 4); the batches are made on one more thread, so ' +
        'on 2 cores --threads 1 is fastest',
    },
  },
};

export interface TrainArgs {
  run: Omit<RunOptions, 'preset'> & { preset: string };
  backend?: BackendName;
  threads?: number;
}

/** The train command line -> run options (null after --help). Every value is checked here, before any work. */
export function parseTrainArgs(argv: string[]): TrainArgs | null {
  const parsed = parseCli(TRAIN_CLI, argv);
  if (!parsed) return null;
  const o = parsed.values as Record<string, string | undefined> & { resume?: boolean; 'no-mel'?: boolean };
  if (o.stage === undefined) throw new Error(`--stage is required: one of ${STAGES.join(', ')}`);
  const stage = choiceArg('stage', o.stage, STAGES) as StageName;
  const preset = choiceArg('preset', o.preset, Object.keys(PRESETS)) ?? 'cpu';
  const masks = choiceArg('masks', o.masks, ['random', 'object'] as const);
  const cues = choiceArg('cues', o.cues, ['gt', 'inpainted'] as const);
  const alpha = numberArg('alpha', o.alpha, { min: 0 });
  const pairs = integerArg('pairs', o.pairs);
  const seed = integerArg('seed', o.seed, 0);
  const parts: Partial<Record<PartName, string>> = {};
  for (const p of PARTS) if (o[`init-${p}`] !== undefined) parts[p] = o[`init-${p}`];
  const suffix = [
    masks === 'random' ? 'random' : '',
    cues === 'inpainted' ? 'cues' : '',
    o['image-inpainter'] === 'telea-refiner' ? 'refiner' : '',
    o['no-mel'] ? 'nomel' : '',
    alpha !== undefined ? `alpha${o.alpha}` : '',
    pairs !== undefined ? `pairs${pairs}` : '',
    seed ? `seed${seed}` : '',
    o.data === undefined || o.data === 'photos' ? '' : o.data.startsWith('coco:') ? 'coco' : o.data,
  ]
    .filter(Boolean)
    .map((s) => `-${s}`)
    .join('');
  return {
    run: {
      stage,
      preset,
      out: o.out ?? `runs/${stage}-${preset}${suffix}`,
      steps: integerArg('steps', o.steps),
      resume: Boolean(o.resume),
      checkpointEvery: integerArg('checkpoint-every', o['checkpoint-every']),
      keepEvery: integerArg('keep-every', o['keep-every']),
      masks,
      init: o.init,
      pairs,
      seed,
      mel: o['no-mel'] ? false : undefined,
      alpha,
      lr: numberArg('lr', o.lr, { min: 0, exclusiveMin: true }),
      cues,
      segmenter: choiceArg('segmenter', o.segmenter, SEGMENTER_KINDS),
      imageLoss: choiceArg('image-loss', o['image-loss'], ['output', 'composite'] as const),
      l1Per: choiceArg('l1-per', o['l1-per'], ['batch', 'image'] as const),
      imageInpainter: choiceArg('image-inpainter', o['image-inpainter'], IMAGE_INPAINTER_KINDS),
      weights: o.weights === undefined ? undefined : parseWeights(o.weights),
      initParts: Object.keys(parts).length ? parts : undefined,
      data: o.data === undefined ? undefined : getDataMix(o.data),
    },
    backend: choiceArg('backend', o.backend, BACKENDS),
    threads: integerArg('threads', o.threads),
  };
}

/** 'lambdaIF=0,lambdaIS=0' -> { lambdaIF: 0, lambdaIS: 0 } (names and ranges are checked by withWeights) */
function parseWeights(text: string): Partial<LossWeights> {
  const out: Record<string, number> = {};
  for (const item of text.split(',')) {
    const [k, v, extra] = item.split('=');
    if (!k || v === undefined || v === '' || extra !== undefined)
      throw new Error(`--weights takes NAME=VALUE pairs separated by commas, got '${item}'`);
    out[k.trim()] = numberArg(`weights ${k.trim()}`, v)!;
  }
  return out as Partial<LossWeights>;
}

/** What a Ctrl-C leaves: the run's last checkpoint, and the command that continues it. */
function interruptedMessage(out: string): string {
  if (!hasCheckpoint(out)) return `interrupted before the first checkpoint; nothing in ${out} to resume`;
  let step = '?';
  try {
    step = String(JSON.parse(fs.readFileSync(path.join(out, MANIFEST), 'utf8')).meta.step);
  } catch {
    // being replaced at this moment: the step is in the manifest once it is written
  }
  return `interrupted; the last checkpoint is step ${step} in ${out}: repeat the command with --resume to continue`;
}

async function main(): Promise<void> {
  const args = parseTrainArgs(process.argv.slice(2));
  if (!args) return;
  const { run, backend, threads } = args;
  const preset = getPreset(run.preset);
  const info = await initBackend({ backend, threads });
  if (run.stage === 'joint' && !run.resume && !run.init) {
    // a pretrained segmenter starts from its own weights
    const pretrained = (run.segmenter ?? DEFAULT_SEGMENTER[preset.name]) === 'pretrained';
    const missing = PARTS.filter((p) => !run.initParts?.[p] && !(p === 'segmenter' && pretrained));
    if (missing.length)
      console.error(
        `train: joint stage without pretrained ${missing.join(', ')} (--init-<part>): those parts start from scratch`,
      );
  }
  process.once('SIGINT', () => {
    process.stderr.write(`\ntrain: ${interruptedMessage(run.out)}\n`);
    process.exit(130);
  });
  const result = await runTraining({ ...run, preset, backend: { name: info.name, native: info.native } });
  console.error(`train: ${run.stage}/${preset.name} at step ${result.step}; checkpoint ${result.checkpoint}`);
}

if (require.main === module) runCli('train', main);
