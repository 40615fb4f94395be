// The --checkpoints argument of the evaluation CLIs: 'edge=DIR,segInpainter=DIR,image=DIR' -> a path per inpainter part.
import { type CheckpointPaths, INPAINTER_PARTS, type InpainterPart } from '../pipeline/learnedInpainters';

/** Each part at most once; every part in `required` (default: all three) must be given. */
export function parseCheckpointsArg(
  v: string,
  required: readonly InpainterPart[] = INPAINTER_PARTS,
): Partial<CheckpointPaths> {
  const out: Partial<CheckpointPaths> = {};
  for (const item of v.split(',').filter(Boolean)) {
    const eq = item.indexOf('=');
    const part = item.slice(0, eq) as InpainterPart;
    if (eq < 1 || !INPAINTER_PARTS.includes(part) || !item.slice(eq + 1)) {
      throw new Error(`--checkpoints: '${item}' is not PART=DIR with PART one of ${INPAINTER_PARTS.join(', ')}`);
    }
    if (out[part]) throw new Error(`--checkpoints: ${part} is given twice`);
    out[part] = item.slice(eq + 1);
  }
  const missing = required.filter((p) => !out[p]);
  if (missing.length)
    throw new Error(
      `--checkpoints: no checkpoint for ${missing.join(', ')} (expected ${required.map((p) => `${p}=DIR`).join(',')})`,
    );
  return out;
}
