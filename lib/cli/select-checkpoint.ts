// npm run select-checkpoint -- --part edge|seg|image --candidates DIR[,DIR...] --checkpoints edge=DIR,seg=DIR,image=DIR
//                               [--preset cpu] [--threads N]
//
// Scores each candidate checkpoint of one part (the others fixed by --checkpoints; the part's entry there is
// ignored) with the learned pipeline on the validation split (lib/eval/experiments.ts validationSpec), writes
// results/validation/validation-<part>-<step>-<combination hash>-<preset>/ per candidate (resumable, like every experiment) and
// the ranking to results/validation/checkpoint-selection-<part>-<preset>.json, and prints the pick
// (lib/eval/checkpointSelection.ts).
// Training is deterministic, so the picked step is reproduced by training with --steps <step>.
import * as crypto from 'crypto';
import * as path from 'path';
import { initBackend, BackendName } from '../backend/index';
import { evalPreset, loadInpainter, validationSpec } from '../eval/experiments';
import { runExperiment, resultsDir } from '../eval/experiment';
import { readResultRows } from '../eval/resultRows';
import { bucketStats } from '../eval/aggregate';
import { candidateScore, pickCheckpoint, CandidateScore } from '../eval/checkpointSelection';
import { CheckpointPaths, INPAINTER_PARTS, InpainterPart } from '../inpaint/learnedInpainters';
import { parseCheckpointsArg } from './checkpointsArg';
import { writeJsonAtomic } from '../io/atomicWrite';
import { repoRelative } from '../io/repoRoot';

function parseArgs(argv: string[]) {
  const o: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`expected --option value, got '${argv[i]}'`);
    o[argv[i].slice(2)] = argv[i + 1];
  }
  for (const k of Object.keys(o)) if (!['part', 'candidates', 'checkpoints', 'preset', 'backend', 'threads'].includes(k)) throw new Error(`unknown option --${k}`);
  const part = o.part as InpainterPart;
  if (!INPAINTER_PARTS.includes(part)) throw new Error(`--part must be one of ${INPAINTER_PARTS.join(', ')}`);
  if (!o.candidates) throw new Error('--candidates DIR[,DIR...] is required');
  const fixed = parseCheckpointsArg(o.checkpoints ?? '', INPAINTER_PARTS.filter((p) => p !== part));
  return {
    part, candidates: o.candidates.split(','), fixed, preset: o.preset ?? 'cpu',
    backend: o.backend as BackendName | undefined, threads: o.threads === undefined ? undefined : Number(o.threads),
  };
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const { size } = evalPreset(a.preset);
  await initBackend({ backend: a.backend, threads: a.threads });
  const dir = path.join(resultsDir(), 'validation');
  const scores: CandidateScore[] = [];
  for (const candidate of a.candidates) {
    const checkpoints = { ...a.fixed, [a.part]: candidate } as CheckpointPaths;
    const choice = loadInpainter('edgeconnect', { size, checkpoints });
    try {
      const rec = choice.checkpoints![a.part];
      // the folder names the candidate's step and, by a hash of all three parts' SHA-256s, the whole combination
      const combo = crypto.createHash('sha256').update(INPAINTER_PARTS.map((p) => choice.checkpoints![p].sha256).join(',')).digest('hex');
      const spec = validationSpec(a.preset, `${a.part}-${rec.step}-${combo.slice(0, 8)}`, choice.checkpoints!);
      const s = await runExperiment(spec, { inpainter: choice.inpainter, resultsDir: dir, progress: false });
      const score = candidateScore(rec.path, rec.step, bucketStats(readResultRows(path.join(s.dir, 'per_image.jsonl'))));
      scores.push(score);
      const cells = Object.entries(score.psnr).map(([b, v]) => `${b} ${v.toFixed(2)}`).join(', ');
      console.error(`select-checkpoint: ${a.part} step ${rec.step}: mean ${score.meanPsnr.toFixed(3)} dB (${cells})`);
    } finally {
      choice.dispose();
    }
  }
  const pick = pickCheckpoint(scores);
  const file = path.join(dir, `checkpoint-selection-${a.part}-${a.preset}.json`);
  writeJsonAtomic(file, {
    part: a.part, preset: a.preset, criterion: 'highest validation PSNR (paper protocol, d = 0) averaged over the buckets',
    fixed: a.fixed, command: `npm run select-checkpoint -- ${process.argv.slice(2).join(' ')}`, pick, scores,
  });
  console.error(`select-checkpoint: pick ${pick.candidate} (step ${pick.step}); ranking in ${repoRelative(file)}`);
}

main().then(
  () => process.exit(0), // wasm worker threads: exit explicitly
  (e) => {
    console.error(`select-checkpoint: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  },
);
