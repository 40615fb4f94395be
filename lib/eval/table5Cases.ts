// Paper Figs. 4 and 5: success and failure cases of Table V, picked by a rule fixed before looking: on one test set,
// the per-image paired PSNR gain (paper protocol) of ours over our inpainting network on the segmenter's mask (k = 0);
// the n largest gains are the successes (Fig. 4), the n smallest the failures (Fig. 5). Each case is then drawn
// (casePanel): I, the truth I_G, and the output and mask of ours, ours w/o MEL and the segmenter-mask baseline, the
// masks against m_G (white kept, orange added, blue missed). Drawing needs the test set (the photo library) and the
// joint weights (runs, or their exports); the picks need only the committed results.
import type { ExperimentResults } from './experiment';
import type { Table5Row } from './table5';
import { removalRows } from './table4';
import { TABLE5_JOINT_ARMS } from './experiments';
import { openTestSet } from '../data/triplets';
import type { Remover } from '../pipeline/jointRemoval';
import { maskChange } from '../viz/images';
import { type PicturePanel, picturePanel } from '../viz/panel';

export interface Case {
  image: number;
  bucket: string;
  gain: number; // PSNR ours - segmenter mask (k = 0), dB
}

/** Successes (largest gains first) and failures (smallest first), n each. */
export function pickCases(rows: Table5Row[], n = 3): { success: Case[]; failure: Case[] } {
  const of = (key: string) => rows.find((r) => r.key === key)?.experiment;
  const ours = of(TABLE5_JOINT_ARMS.ours);
  const base = of('segmask-ours-k0');
  if (!ours || !base) return { success: [], failure: [] };
  const psnr = (e: ExperimentResults) => new Map(removalRows(e, 'psnr', 'paper').map((r) => [r.image, r]));
  const b = psnr(base);
  const cases = [...psnr(ours).values()]
    .filter((r) => b.has(r.image) && Number.isFinite(r.value) && Number.isFinite(b.get(r.image)!.value))
    .map((r) => ({ image: r.image, bucket: r.bucket, gain: r.value - b.get(r.image)!.value }))
    .sort((x, y) => y.gain - x.gain || x.image - y.image);
  return { success: cases.slice(0, n), failure: cases.slice(-n).reverse() };
}

/** One row per case: I, I_G, then each remover's output and its mask against m_G. */
export async function casePanel(
  name: string,
  testSet: ExperimentResults['spec']['testSet'],
  cases: Case[],
  removers: { label: string; remover: Remover }[],
): Promise<PicturePanel> {
  const itemAt = await openTestSet(testSet);
  const rows = [];
  const captions = [];
  for (const c of cases) {
    const t = await itemAt(c.image);
    const row = [t.image, t.background];
    const caption = [`item ${c.image} (${c.bucket}), gain ${c.gain.toFixed(2)} dB`, 'I_G'];
    for (const r of removers) {
      const { output, mask } = await r.remover(t.image, t.mask, t.labels);
      row.push(output, maskChange(t.mask, mask));
      caption.push(r.label, `${r.label}: mask`);
    }
    rows.push(row);
    captions.push(caption);
  }
  return picturePanel(name, rows, captions);
}
