// Paper Figs. 4 and 5: success and failure cases of Table V, picked by a rule fixed before looking: on one test set,
// the per-image paired PSNR gain (paper protocol) of ours over our inpainting network on the segmenter's mask (k = 0);
// the n largest gains are the successes (Fig. 4), the n smallest the failures (Fig. 5). Each case is then drawn
// (casePanel): I, the truth I_G, and the output and mask of ours, ours w/o MEL and the segmenter-mask baseline, the
// masks against m_G (white kept, orange added, blue missed). Drawing (table5CasePanels) needs the test set (the photo
// library, vtest.avi), the shipped joint networks (ours, w/o MEL) and the shipped inpainters, each checked
// against the SHA-256 its row records, so a picture shows the weights its numbers come from; the picks need only the
// committed results.
import type { ExperimentResults } from './experiment';
import type { Table5Row } from './table5';
import { removalRows } from './table4';
import { type Checkpoints, TABLE5_JOINT_ARMS, loadInpainter } from './experiments';
import { psnr } from './psnr';
import { openTestSet } from '../data/triplets';
import { LEARNED_INPAINTER } from '../inpaint/inpainter';
import { paperDesignWeightsPaths, shippedWeightsDir } from '../io/shippedWeights';
import { repoPath } from '../io/repoRoot';
import { type Remover, jointRemover, loadJointRemovalNetwork, segmenterMaskRemover } from '../pipeline/jointRemoval';
import { maskChange } from '../viz/images';
import { type PicturePanel, picturePanel } from '../viz/panel';

/** The row the gain is measured against: our inpainting network on the pretrained segmenter's mask, k = 0. */
const BASELINE = 'segmask-ours-k0';
/** How maskChange colours a mask against m_G. */
const MASK_LEGEND = 'white: in m_G and the mask, orange: added outside m_G, blue: part of m_G left out';

export interface Case {
  image: number;
  bucket: string;
  gain: number; // PSNR ours - segmenter mask (k = 0), dB
}

/** Successes (largest gains first) and failures (smallest first), n each. */
export function pickCases(rows: Table5Row[], n = 3): { success: Case[]; failure: Case[] } {
  const of = (key: string) => rows.find((r) => r.key === key)?.experiment;
  const ours = of(TABLE5_JOINT_ARMS.ours);
  const base = of(BASELINE);
  if (!ours || !base) return { success: [], failure: [] };
  const psnr = (e: ExperimentResults) => new Map(removalRows(e, 'psnr', 'paper').map((r) => [r.image, r]));
  const b = psnr(base);
  const cases = [...psnr(ours).values()]
    .filter((r) => b.has(r.image) && Number.isFinite(r.value) && Number.isFinite(b.get(r.image)!.value))
    .map((r) => ({ image: r.image, bucket: r.bucket, gain: r.value - b.get(r.image)!.value }))
    .sort((x, y) => y.gain - x.gain || x.image - y.image);
  return { success: cases.slice(0, n), failure: cases.slice(-n).reverse() };
}

/** One row per case: I (captioned with the case's gain), I_G (its bucket), then each remover's output (PSNR against
 *  I_G, paper protocol) and its mask against m_G. */
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
    const caption = [`item ${c.image}: ${c.gain >= 0 ? '+' : ''}${c.gain.toFixed(2)} dB`, `I_G (${c.bucket})`];
    for (const r of removers) {
      const { output, mask } = await r.remover(t.image, t.mask, t.labels);
      row.push(output, maskChange(t.mask, mask));
      caption.push(`${r.label} ${psnr(output, t.background, { protocol: 'paper' }).value.toFixed(1)} dB`, 'its mask');
    }
    rows.push(row);
    captions.push(caption);
  }
  return picturePanel(
    name,
    rows,
    captions,
    [],
    rows.map(() => 2),
  );
}

/** The joint networks the pictures are drawn with: the shipped float16 exports of the runs behind the rows of ours
 *  (scripts/experiments/table4.sh alpha0.03) and of ours w/o MEL (table4.sh nomel), so a fresh clone draws them. */
export const CASE_WEIGHTS = { ours: 'checkpoints/cpu/joint', noMel: 'checkpoints/cpu/joint-nomel' };

const short = (sha: string) => `${sha.slice(0, 12)}...`;
const shas = (c: { sha256: string } | Checkpoints | undefined): string[] =>
  !c
    ? []
    : 'sha256' in c
      ? [c.sha256 as string]
      : Object.values(c)
          .map((r) => r.sha256)
          .sort();

/** The weights a row's numbers were computed with must be those drawn: a joint run's SHA-256, or the three
 *  inpainters' of a segmenter-mask row. */
function checkWeights(row: Table5Row, drawn: { sha256: string } | Checkpoints | undefined): void {
  const spec = row.experiment.spec;
  const recorded = shas(spec.removal?.method === 'joint' ? spec.removal.checkpoint : spec.checkpoints);
  if (recorded.length === 0 || recorded.join() !== shas(drawn).join())
    throw new Error(
      `${spec.name}: its results were computed with other weights than those at hand (SHA-256 ` +
        `${recorded.map(short).join(', ')} recorded, ${shas(drawn).map(short).join(', ')} here): recompute the ` +
        'row or restore its weights',
    );
}

/**
 * Figs. 4 and 5 on one test set: the cases pickCases picks, drawn with ours, ours w/o MEL and our inpainting network
 * on the pretrained segmenter's mask (k = 0), each checked to be the weights its row records; `lines` state the rule
 * and the weights. `panels` is empty when no case is picked yet (no results at this preset); `lines` then say so.
 */
export async function table5CasePanels(rows: Table5Row[], n = 3): Promise<{ panels: PicturePanel[]; lines: string[] }> {
  const { success, failure } = pickCases(rows, n);
  if (success.length === 0) return { panels: [], lines: ['no cases yet: Table V has no ours / segmenter-mask rows'] };
  const row = (key: string) => rows.find((r) => r.key === key)!;
  const testSet = row(BASELINE).experiment.spec.testSet;
  const ours = loadJointRemovalNetwork(repoPath(CASE_WEIGHTS.ours));
  const noMel = loadJointRemovalNetwork(repoPath(CASE_WEIGHTS.noMel));
  const choice = loadInpainter(LEARNED_INPAINTER, {
    size: testSet.size,
    checkpoints: paperDesignWeightsPaths(shippedWeightsDir('cpu')),
  });
  try {
    checkWeights(row(TABLE5_JOINT_ARMS.ours), ours.checkpoint);
    checkWeights(row(TABLE5_JOINT_ARMS.noMel), noMel.checkpoint);
    checkWeights(row(BASELINE), choice.checkpoints);
    const removers = [
      { label: 'ours', remover: jointRemover(ours) },
      { label: 'w/o MEL', remover: jointRemover(noMel) },
      { label: 'seg. mask', remover: segmenterMaskRemover(choice.inpainter, 0) },
    ];
    const set = testSet.kind;
    const lines = [
      `rule: the per-image paired PSNR gain (paper protocol, from the results) of ours over our inpainting network on ` +
        `the pretrained segmenter's mask (k = 0) on ${set}; the ${n} largest are the successes, the ${n} smallest the ` +
        'failures',
      `weights, each the one its row of Table V records: ours ${CASE_WEIGHTS.ours} (the float16 export of SHA-256 ` +
        `${short(ours.checkpoint.sha256)}), w/o MEL ${CASE_WEIGHTS.noMel} (the float16 export of ${short(noMel.checkpoint.sha256)}), ` +
        'the segmenter mask filled by the paper-design inpainters (checkpoints/cpu/{edge,segInpainter,image-edgeconnect})',
      `masks against m_G: ${MASK_LEGEND}; each output's PSNR is measured on the picture (an export moves a mask by ` +
        'a few pixels from the run the gain comes from)',
    ];
    const suffix = set === 'photo-test' ? '' : `_${set.replace(/\W/g, '_')}`;
    return {
      panels: [
        await casePanel(`fig4_success${suffix}`, testSet, success, removers),
        await casePanel(`fig5_failure${suffix}`, testSet, failure, removers),
      ],
      lines,
    };
  } finally {
    ours.dispose();
    noMel.dispose();
    choice.dispose();
  }
}
