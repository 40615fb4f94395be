// npm run train -- --stage edge|seg|image|segmenter|joint --preset tiny|cpu|paper [options]
//
//   --out DIR             run directory (default runs/<stage>-<preset>[-random][-nomel][-alphaA][-pairsN])
//   --steps N             total steps (default: the preset's for the stage)
//   --resume              continue the run in --out from its checkpoint
//   --checkpoint-every K  (default: the preset's)
//   --keep-every K        also keep every K-th step's checkpoint in <out>/snapshots/ (for npm run average-checkpoints)
//   --masks random|object inpainter stages: training masks (paper Table II; default object)
//   --init CKPT           start from the weights of a checkpoint of the same stage, fresh optimizer (Table III)
//   --pairs N             number of training pairs (Table III; default: the preset's)
//   --no-mel              joint stage without the mask expansion loss
//   --alpha A             joint stage: alpha of the mask expansion loss (default 0.03)
//   --init-edge / --init-seg / --init-image / --init-segmenter CKPT
//                         joint stage: the pretrained parts (CKPT = a run directory or its ckpt.json)
//   --lr X                generator-side learning rate (discriminators: the preset's ratio x X)
//   --cues gt|inpainted   image stage: train on ground-truth cues (default) or on the frozen pretrained edge and
//                         seg inpainters' outputs (EdgeConnect's model 3; needs --init-edge and --init-seg)
//   --image-loss output|composite   image stage: what its losses see (default: the preset's imageLoss)
//   --l1-per batch|image  image and joint stages: N_M of L_IR (default: the preset's l1Per)
//   --weights K=V,...     replace some of the preset's loss weights, e.g. --weights lambdaIF=0,lambdaIS=0
//                         (names as in lib/losses/weights.ts; recorded in the run, so a resume must repeat them)
//   --backend wasm|cpu|... --threads N   (default: initBackend's choice; wasm with 2 threads here)
import { initBackend, BackendName } from '../backend/index';
import { getPreset, STAGES, StageName } from '../config/presets';
import { runTraining, RunOptions, PartName } from '../train/loop';
import { LossWeights } from '../losses/weights';

function parseArgs(argv: string[]): { run: Omit<RunOptions, 'preset'> & { preset: string }; backend?: BackendName; threads?: number } {
  const o: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
    const key = a.slice(2);
    if (['resume', 'no-mel'].includes(key)) o[key] = true;
    else {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      o[key] = v;
    }
  }
  const known = ['stage', 'preset', 'out', 'steps', 'resume', 'checkpoint-every', 'masks', 'init', 'pairs', 'no-mel', 'alpha',
    'init-edge', 'init-seg', 'init-image', 'init-segmenter', 'lr', 'cues', 'image-loss', 'l1-per', 'weights', 'keep-every', 'backend', 'threads'];
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new Error(`unknown option --${k}`);
  const stage = o.stage as StageName;
  if (!STAGES.includes(stage)) throw new Error(`--stage must be one of ${STAGES.join(', ')}`);
  const preset = (o.preset as string) ?? 'cpu';
  const num = (k: string) => {
    if (o[k] === undefined) return undefined;
    const n = Number(o[k]);
    if (!Number.isFinite(n)) throw new Error(`--${k} must be a number, got '${o[k]}'`);
    return n;
  };
  const masks = o.masks as string | undefined;
  if (masks !== undefined && masks !== 'random' && masks !== 'object') throw new Error(`--masks must be random or object`);
  const cues = o.cues as string | undefined;
  if (cues !== undefined && cues !== 'gt' && cues !== 'inpainted') throw new Error(`--cues must be gt or inpainted`);
  const imageLoss = o['image-loss'] as string | undefined;
  if (imageLoss !== undefined && imageLoss !== 'output' && imageLoss !== 'composite') throw new Error(`--image-loss must be output or composite`);
  const l1Per = o['l1-per'] as string | undefined;
  if (l1Per !== undefined && l1Per !== 'batch' && l1Per !== 'image') throw new Error(`--l1-per must be batch or image`);
  const weights = o.weights === undefined ? undefined : parseWeights(o.weights as string);
  const parts: Partial<Record<PartName, string>> = {};
  for (const p of ['edge', 'seg', 'image', 'segmenter'] as PartName[]) if (o[`init-${p}`]) parts[p] = o[`init-${p}`] as string;
  const suffix = [masks === 'random' ? 'random' : '', cues === 'inpainted' ? 'cues' : '', o['no-mel'] ? 'nomel' : '', o.alpha ? `alpha${o.alpha}` : '',
    o.pairs ? `pairs${o.pairs}` : ''].filter(Boolean).map((s) => `-${s}`).join('');
  return {
    run: {
      stage, preset, out: (o.out as string) ?? `runs/${stage}-${preset}${suffix}`, steps: num('steps'), resume: Boolean(o.resume),
      checkpointEvery: num('checkpoint-every'), keepEvery: num('keep-every'), masks: masks as RunOptions['masks'], init: o.init as string | undefined,
      pairs: num('pairs'), mel: o['no-mel'] ? false : undefined, alpha: num('alpha'), lr: num('lr'), cues: cues as RunOptions['cues'],
      imageLoss: imageLoss as RunOptions['imageLoss'], l1Per: l1Per as RunOptions['l1Per'], weights,
      initParts: Object.keys(parts).length ? parts : undefined,
    },
    backend: o.backend as BackendName | undefined,
    threads: num('threads'),
  };
}

/** 'lambdaIF=0,lambdaIS=0' -> { lambdaIF: 0, lambdaIS: 0 } (names and values are checked by withWeights) */
function parseWeights(text: string): Partial<LossWeights> {
  const out: Record<string, number> = {};
  for (const item of text.split(',')) {
    const [k, v, extra] = item.split('=');
    if (!k || v === undefined || v === '' || extra !== undefined) throw new Error(`--weights takes NAME=VALUE pairs separated by commas, got '${item}'`);
    out[k.trim()] = Number(v);
  }
  return out as Partial<LossWeights>;
}

async function main(): Promise<void> {
  const { run, backend, threads } = parseArgs(process.argv.slice(2));
  const preset = getPreset(run.preset);
  await initBackend({ backend, threads });
  if (run.stage === 'joint' && !run.resume && !run.init) {
    const missing = (['edge', 'seg', 'image', 'segmenter'] as PartName[]).filter((p) => !run.initParts?.[p]);
    if (missing.length) console.error(`train: joint stage without pretrained ${missing.join(', ')} (--init-<part>): those parts start from scratch`);
  }
  const result = await runTraining({ ...run, preset });
  console.error(`train: ${run.stage}/${preset.name} at step ${result.step}; checkpoint ${result.checkpoint}`);
}

main().then(
  () => process.exit(0), // wasm worker threads: exit explicitly
  (e) => {
    console.error(`train: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  },
);
