// npm run select-checkpoint -- --part edge|segInpainter|image --candidates DIR[,DIR...] --checkpoints edge=DIR,segInpainter=DIR,image=DIR
//                               [--preset cpu] [--threads N]
//
// Scores each candidate checkpoint of one part (the others fixed by --checkpoints; the part's entry there is
// ignored) with the learned pipeline on the validation split (lib/eval/experiments.ts validationSpec), writes
// results/validation/validation-<part>-<step>-<combination hash>-<preset>/ per candidate (resumable, like every
// experiment) and the ranking to results/validation/checkpoint-selection-<part>-<preset>.json, and prints the pick
// (lib/eval/checkpointSelection.ts).
// Training is deterministic, so the picked step is reproduced by training with --steps <step>.
// Every candidate is loaded and checked before the first is scored.
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { initBackend, BACKENDS } from '../backend/index';
import { VALIDATION_SETS, evalPreset, loadInpainter, validationSpec } from '../eval/experiments';
import { runExperiment, resultsDir } from '../eval/experiment';
import { readResultRows, bucketStats } from '../eval/resultRows';
import { candidateScore, pickCheckpoint, type CandidateScore } from '../eval/checkpointSelection';
import { type CheckpointPaths, INPAINTER_PARTS } from '../pipeline/learnedInpainters';
import { LEARNED_INPAINTER } from '../inpaint/inpainter';
import { parseCheckpointsArg } from './checkpointsArg';
import { writeJsonAtomic } from '../io/atomicWrite';
import { repoRelative } from '../io/repoRoot';
import { type CliSpec, parseCli, runCli, choiceArg, integerArg, listArg } from './args';

const SELECT_CLI: CliSpec = {
  name: 'select-checkpoint',
  usage:
    '--part edge|segInpainter|image --candidates DIR[,DIR...] --checkpoints edge=DIR,segInpainter=DIR,image=DIR [--preset cpu]',
  summary: 'Scores candidate checkpoints of one part on the validation split (never the test set) and picks the best.',
  options: {
    part: { type: 'string', value: INPAINTER_PARTS.join('|'), help: 'the part whose candidates are scored (required)' },
    candidates: { type: 'string', value: 'DIR,...', help: 'its candidate checkpoints or exported weights (required)' },
    checkpoints: {
      type: 'string',
      value: 'PART=DIR,...',
      help: 'the other two parts, fixed (the scored part may be left out)',
    },
    preset: { type: 'string', value: 'NAME', help: 'evaluation preset (default cpu)' },
    'validation-set': {
      type: 'string',
      value: VALIDATION_SETS.join('|'),
      help: "procedural scenes, or people on the photo library's validation split (default procedural)",
    },
    backend: { type: 'string', value: BACKENDS.join('|'), help: "tfjs backend (default: initBackend's choice)" },
    threads: { type: 'string', value: 'N', help: 'wasm threads' },
  },
};

function parseArgs(argv: string[]) {
  const parsed = parseCli(SELECT_CLI, argv);
  if (!parsed) return null;
  const o = parsed.values as Record<string, string | undefined>;
  if (o.part === undefined) throw new Error(`--part is required: one of ${INPAINTER_PARTS.join(', ')}`);
  const part = choiceArg('part', o.part, INPAINTER_PARTS)!;
  const candidates = listArg('candidates', o.candidates);
  if (!candidates) throw new Error('--candidates DIR[,DIR...] is required');
  const fixed = parseCheckpointsArg(
    o.checkpoints ?? '',
    INPAINTER_PARTS.filter((p) => p !== part),
  );
  const preset = o.preset ?? 'cpu';
  evalPreset(preset);
  const validationSet = choiceArg('validation-set', o['validation-set'], VALIDATION_SETS) ?? 'procedural';
  return {
    part,
    candidates,
    fixed,
    preset,
    validationSet,
    backend: choiceArg('backend', o.backend, BACKENDS),
    threads: integerArg('threads', o.threads),
  };
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  if (!a) return;
  const { size } = evalPreset(a.preset);
  await initBackend({ backend: a.backend, threads: a.threads });
  for (const candidate of a.candidates)
    loadInpainter(LEARNED_INPAINTER, {
      size,
      checkpoints: { ...a.fixed, [a.part]: candidate } as CheckpointPaths,
    }).dispose();
  const dir = path.join(resultsDir(), 'validation');
  const scores: CandidateScore[] = [];
  for (const candidate of a.candidates) {
    const checkpoints = { ...a.fixed, [a.part]: candidate } as CheckpointPaths;
    const choice = loadInpainter(LEARNED_INPAINTER, { size, checkpoints });
    try {
      const rec = choice.checkpoints![a.part];
      // the folder names the candidate's step and, by a hash of all three parts' SHA-256s, the whole combination
      const combo = crypto
        .createHash('sha256')
        .update(INPAINTER_PARTS.map((p) => choice.checkpoints![p].sha256).join(','))
        .digest('hex');
      const spec = validationSpec(
        a.preset,
        `${a.part}-${rec.step}-${combo.slice(0, 8)}`,
        choice.checkpoints!,
        a.validationSet,
      );
      const s = await runExperiment(spec, { inpainter: choice.inpainter, resultsDir: dir, progress: false });
      const score = candidateScore(
        rec.path,
        rec.step,
        bucketStats(readResultRows(path.join(s.dir, 'per_image.jsonl'))),
      );
      scores.push(score);
      const cells = Object.entries(score.psnr)
        .map(([b, v]) => `${b} ${v.toFixed(2)}`)
        .join(', ');
      console.error(`select-checkpoint: ${a.part} step ${rec.step}: mean ${score.meanPsnr.toFixed(3)} dB (${cells})`);
    } finally {
      choice.dispose();
    }
  }
  const pick = pickCheckpoint(scores);
  const setSuffix = a.validationSet === 'procedural' ? '' : `-${a.validationSet}`;
  const file = path.join(dir, `checkpoint-selection-${a.part}-${a.preset}${setSuffix}.json`);
  writeJsonAtomic(file, {
    part: a.part,
    preset: a.preset,
    criterion: 'highest validation PSNR (paper protocol, d = 0) averaged over the buckets',
    fixed: a.fixed,
    command: `npm run select-checkpoint -- ${process.argv.slice(2).join(' ')}`,
    pick,
    scores,
  });
  console.error(`select-checkpoint: pick ${pick.candidate} (step ${pick.step}); ranking in ${repoRelative(file)}`);
}

runCli('select-checkpoint', main);
