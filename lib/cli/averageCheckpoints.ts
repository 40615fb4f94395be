// npm run average-checkpoints -- --out DIR CKPT CKPT [CKPT...]
//
// Averages the weights of checkpoints of one run (e.g. its snapshots kept with --keep-every) into DIR
// (lib/train/averageCheckpoints.ts). The result loads anywhere a checkpoint does (export-weights, reproduce,
// select-checkpoint, --init) except --resume. DIR must be new, empty or an earlier average: never a run's folder or
// one of the sources.
import { averageCheckpoints } from '../train/averageCheckpoints';
import { repoRelative } from '../io/repoRoot';
import { type CliSpec, parseCli, runCli } from './args';

const AVERAGE_CLI: CliSpec = {
  name: 'average-checkpoints',
  usage: '--out DIR CKPT CKPT [CKPT...]',
  summary: 'Averages the model weights of two or more checkpoints of one run (no optimizer state: not resumable).',
  positionals: 'CKPT: a checkpoint folder (e.g. runs/image-cpu/snapshots/step-005000) or its ckpt.json',
  options: { out: { type: 'string', value: 'DIR', help: 'the new folder for the average (required)' } },
};

runCli('average-checkpoints', () => {
  const parsed = parseCli(AVERAGE_CLI, process.argv.slice(2));
  if (!parsed) return;
  const out = parsed.values.out as string | undefined;
  if (!out) throw new Error('--out DIR is required (see npm run average-checkpoints -- --help)');
  const file = averageCheckpoints(parsed.positionals, out);
  console.log(`average-checkpoints: ${parsed.positionals.length} checkpoints -> ${repoRelative(file)}`);
});
