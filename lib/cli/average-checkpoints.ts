// npm run average-checkpoints -- --out DIR CKPT CKPT [CKPT...]
//
// Averages the weights of checkpoints of one run (e.g. its snapshots kept with --keep-every) into DIR
// (lib/train/averageCheckpoints.ts). The result loads anywhere a checkpoint does (export-weights, reproduce,
// select-checkpoint, --init) except --resume.
import { averageCheckpoints } from '../train/averageCheckpoints';
import { repoRelative } from '../io/repoRoot';

function main(argv: string[]): void {
  let out: string | undefined;
  const sources: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i];
    else if (argv[i].startsWith('--')) throw new Error(`average-checkpoints: unknown option ${argv[i]}`);
    else sources.push(argv[i]);
  }
  if (!out) throw new Error('usage: npm run average-checkpoints -- --out DIR CKPT CKPT [CKPT...]');
  const file = averageCheckpoints(sources, out);
  console.log(`average-checkpoints: ${sources.length} checkpoints -> ${repoRelative(file)}`);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
