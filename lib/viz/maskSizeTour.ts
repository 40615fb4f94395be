// The figures and tables of notebooks/02_mask_size.ipynb: paper Table I (Sec. III-D.1) read from our results.
// The hole for offset d is M_G thresholded at its signed distance, {p : phi(p) <= d R / 256} (maskedInput, as the
// harness makes it; d in px at 256x256, R our image side); the pictures fill it with the shipped cpu-preset learned
// inpainters (removeObject, fed the triplet's labels) and with Telea, an empty hole leaving the image as it is. The
// tables, charts and verdicts are lib/eval/table1.ts's, of the results `npm run reproduce -- --only table1` wrote.
import * as aq from 'arquero';
import { maskArea, maskRatio, type Raster } from '../image/raster';
import { makeTriplet } from '../data/triplets';
import { TEST_SEED } from '../eval/experiments';
import { type LoadedExperiment, loadResults, maskedInput, resultsDir } from '../eval/experiment';
import { bucketStats } from '../eval/resultRows';
import { PAPER_LABEL, type PaperTables, loadPaperTables, paperSeries, paperVsOurs } from '../eval/paperTables';
import {
  TABLE1_THRESHOLDS,
  type Table1Findings,
  type Table1Metric,
  oursSeries,
  table1Figure,
  table1Findings,
  table1Points,
  table1Verdict,
} from '../eval/table1';
import { psnr } from '../eval/psnr';
import { CLASSICAL_INPAINTERS } from '../inpaint/inpainter';
import { INPAINTER_PARTS, type LearnedInpainters, loadLearnedInpainters } from '../pipeline/learnedInpainters';
import { removeObject } from '../pipeline/inpaintingNetwork';
import { readShippedManifest, shippedWeightsDir, shippedWeightsPaths, stepsIncludingInit } from '../io/shippedWeights';
import { repoRelative } from '../io/repoRoot';
import { maskChange } from './images';
import { type ChartPanel, type PicturePanel, picturePanel } from './panel';

export const TABLE1_METRICS: readonly Table1Metric[] = ['psnr', 'ssim'];

export interface MaskSizeResults {
  preset: string;
  /** the metric protocol shown: 'paper' (grayscale, uniform 51x51 SSIM; the harness's default) or 'common' */
  protocol: string;
  experiments: LoadedExperiment[];
  tables: PaperTables;
  lines: string[];
}

/** Every Table I experiment of this preset, results/table1-<inpainter>-<preset>, and what each holds. */
export function maskSizeResults(preset: string, protocol = 'paper'): MaskSizeResults {
  const experiments = loadResults(resultsDir()).filter(
    (e) => e.spec.table === 'table1_mask_size' && e.spec.name === `table1-${e.spec.inpainter}-${preset}`,
  );
  if (experiments.length === 0)
    throw new Error(`no results/table1-*-${preset}: run npm run reproduce -- --preset ${preset} --only table1`);
  const lines = experiments.map((e) => {
    const c = e.spec.checkpoints;
    const ckpt = c ? ` — weights: ${INPAINTER_PARTS.map((p) => `${p} step ${c[p].step}`).join(', ')}` : '';
    const t = e.spec.testSet;
    return `  ${e.spec.name}: ${t.count} test images at ${t.size}x${t.size} (seed ${t.seed}), ${e.rows.length} per-image rows${ckpt}`;
  });
  return { preset, protocol, experiments, tables: loadPaperTables(), lines: [`Table I results found:`, ...lines] };
}

export interface PictureInpainters {
  nets: LearnedInpainters;
  /** "ours, weights at edge n / seg n / image n steps" */
  label: string;
  lines: string[];
}

/** The shipped cpu-preset weights the pictures use, with each part's training steps from its manifest. */
export function pictureInpainters(): PictureInpainters {
  const weights = shippedWeightsPaths(shippedWeightsDir('cpu'));
  const nets = loadLearnedInpainters(weights);
  const steps = INPAINTER_PARTS.map((part) => {
    const { file, manifest } = readShippedManifest(weights[part]);
    return { part, file, steps: stepsIncludingInit(manifest) };
  });
  return {
    nets,
    label: `ours, weights at ${steps.map((s) => `${s.part} ${s.steps}`).join(' / ')} steps`,
    lines: steps.map((s) => `${s.part}: ${repoRelative(s.file)}, ${s.steps} training steps`),
  };
}

const dLabel = (d: number) => `d=${d > 0 ? '+' : ''}${d}`;

/** Rows: I and the hole per d (white kept, orange added, blue removed w.r.t. M_G); I_G and ours; I_G and Telea,
 *  captioned with the whole-image PSNR (paper protocol) against I_G. */
async function maskSizePanel(
  name: string,
  inp: PictureInpainters,
  item: number,
  ds: readonly number[],
  holeCaption: (d: number, ratio: number) => string,
  lines: (t: ReturnType<typeof makeTriplet>) => string[],
): Promise<PicturePanel> {
  const size = inp.nets.size;
  const t = makeTriplet(TEST_SEED, item, { height: size, width: size, split: 'test' });
  const testSet = { kind: 'procedural' as const, seed: TEST_SEED, count: item + 1, size };
  const holes = ds.map((d) => maskedInput(testSet, item, { kind: 'gt', d256: d }, t).hole);
  const outs: { ours: Raster; telea: Raster }[] = [];
  for (const hole of holes) {
    if (maskArea(hole) === 0) outs.push({ ours: t.image, telea: t.image });
    else {
      const ours = (await removeObject(inp.nets, t.image, hole, { labels: t.labels })).output;
      outs.push({ ours, telea: CLASSICAL_INPAINTERS.telea(t.image, hole) });
    }
  }
  const dB = (r: Raster) => `${psnr(r, t.background, { protocol: 'paper' }).value.toFixed(1)} dB`;
  return picturePanel(
    name,
    [
      [t.image, ...holes.map((h) => maskChange(t.mask, h))],
      [t.background, ...outs.map((o) => o.ours)],
      [t.background, ...outs.map((o) => o.telea)],
    ],
    [
      [`I: test item ${item} (seed ${TEST_SEED})`, ...ds.map((d, k) => holeCaption(d, maskRatio(holes[k])))],
      ['I_G (truth)', ...outs.map((o, k) => `ours ${dLabel(ds[k])}: ${dB(o.ours)}`)],
      ['I_G (truth)', ...outs.map((o, k) => `Telea ${dLabel(ds[k])}: ${dB(o.telea)}`)],
    ],
    lines(t),
    [3, 3, 3],
  );
}

/** Fig. 1's equivalent on `item`: (b) M_G eroded, (c) M_G, (d) M_G dilated, and what each leaves. */
export function fig1Panel(inp: PictureInpainters, item: number, ds: readonly number[]): Promise<PicturePanel> {
  const which = (d: number) => (d < 0 ? '(b) eroded' : d > 0 ? '(d) dilated' : '(c) M_G');
  return maskSizePanel(
    '02_fig1',
    inp,
    item,
    ds,
    (d, ratio) => `${which(d)} ${dLabel(d)}: ${(100 * ratio).toFixed(1)} %`,
    () => [`${inp.label}.`],
  );
}

/** Every d of `ds` on `item`, each captioned with its px at our size and its mask ratio. */
export function examplesByDPanel(inp: PictureInpainters, item: number, ds: readonly number[]): Promise<PicturePanel> {
  const size = inp.nets.size;
  return maskSizePanel(
    '02_examples_by_d',
    inp,
    item,
    ds,
    (d, ratio) => `${dLabel(d)} (${(d * size) / 256} px): ${(100 * ratio).toFixed(1)} %`,
    (t) => [`test item ${item}: mask ratio of M_G ${(100 * t.maskRatio).toFixed(1)} %; ${inp.label}.`],
  );
}

const fixed = (digits: number) => (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–';

/** Our Table I beside the paper's (quoted), a Markdown table per metric: mean, s.e. and n per bucket and d. */
export function table1BesidePaper(r: MaskSizeResults): string[] {
  return TABLE1_METRICS.map((metric) => {
    const digits = metric === 'psnr' ? 2 : 3;
    const series = r.experiments.map((e) => oursSeries(e, metric, r.protocol));
    const t = paperVsOurs('table1_mask_size', metric, series, r.tables);
    const format: Record<string, (v: unknown) => string> = {};
    for (const c of t.columnNames()) {
      if (c.endsWith(' n') || c === 'd') format[c] = fixed(0);
      else format[c] = c === 'bucket' ? String : fixed(digits + (c.endsWith('s.e.') ? 1 : 0));
    }
    const title = `**${metric === 'psnr' ? 'PSNR (dB)' : 'SSIM'}**, ours under the **${r.protocol}** protocol; `;
    return `${title}'${PAPER_LABEL}' = the paper's Table I\n\n${t.toMarkdown({ format })}`;
  });
}

/** Score against d, one panel per bucket (the charts `npm run figures` makes for figures/table1_*). */
export function scoreVsDPanels(r: MaskSizeResults): ChartPanel[] {
  return TABLE1_METRICS.map((metric) => ({
    name: `02_${metric}_vs_d`,
    figure: table1Figure(metric, r.experiments, r.tables, r.protocol),
    width: 1100,
    height: 420,
    lines: [],
  }));
}

function experimentFindings(r: MaskSizeResults): { e: LoadedExperiment; found: Table1Findings[] }[] {
  return r.experiments.map((e) => {
    const stats = bucketStats(e.rows);
    return { e, found: TABLE1_METRICS.map((m) => table1Findings(table1Points(stats, m, r.protocol), m)) };
  });
}

/** The three findings' verdicts: the paper's own Table I first (a check of the thresholds), then each of ours. */
export function table1Verdicts(r: MaskSizeResults): string {
  const paperPoints = (metric: Table1Metric) =>
    paperSeries(r.tables, 'table1_mask_size', metric).map((p) => ({
      bucket: p.bucket,
      d: p.x as number,
      mean: p.value as number,
    }));
  const verdicts = [
    table1Verdict(
      `${PAPER_LABEL}, Table I`,
      TABLE1_METRICS.map((m) => table1Findings(paperPoints(m), m)),
    ),
  ];
  for (const { e, found } of experimentFindings(r)) {
    const t = e.spec.testSet;
    const name = `${e.spec.inpainter} (${r.preset} preset, ${t.count} images at ${t.size} px, ${r.protocol} protocol)`;
    verdicts.push(table1Verdict(name, found));
  }
  return verdicts.map((v) => `${v}\n`).join('\n');
}

/** Per inpainter, metric and bucket, the numbers behind each verdict (Markdown). */
export function table1FindingsTable(r: MaskSizeResults): string {
  const yes = (holds: boolean) => (holds ? 'yes' : 'no');
  const rows = experimentFindings(r).flatMap(({ e, found }) =>
    found.flatMap((f) =>
      f.buckets.map((b) => ({
        inpainter: e.spec.inpainter,
        metric: f.metric,
        bucket: b.bucket,
        '(1) best d': b.bestAtZero.best.map((d) => (d > 0 ? '+' : '') + d).join('/'),
        '(1) margin': b.bestAtZero.margin,
        '(1)': yes(b.bestAtZero.holds),
        '(2) drop at -2': b.erosionHurtsMore.dropEroded,
        '(2) drop at +2': b.erosionHurtsMore.dropDilated,
        '(2) ratio': b.erosionHurtsMore.ratio,
        '(2)': yes(b.erosionHurtsMore.holds),
        '(3) slope per 2 px': b.slowFall.slopePer2px,
        '(3)': yes(b.slowFall.holds),
      })),
    ),
  );
  const three = fixed(3);
  const format = { '(1) margin': three, '(2) drop at -2': three, '(2) drop at +2': three, '(2) ratio': fixed(1) };
  return aq.from(rows).toMarkdown({ format: { ...format, '(3) slope per 2 px': three } });
}

/** Finding 2 at equal pixel distance where d = +2 is under a pixel: drop(-2) against drop(+4) (+1 px at 64 px). */
export function erosionAgainstPlus4(r: MaskSizeResults): string[] {
  return r.experiments
    .filter((e) => (2 * e.spec.testSet.size) / 256 < 1)
    .map((e) => {
      const stats = bucketStats(e.rows);
      const parts = TABLE1_METRICS.map((m) => {
        const f = table1Findings(table1Points(stats, m, r.protocol), m, { ...TABLE1_THRESHOLDS, dilated: 4 });
        const ratios = f.buckets.map((b) => b.erosionHurtsMore.ratio?.toFixed(1) ?? '–');
        const held = f.buckets.filter((b) => b.erosionHurtsMore.holds).length;
        return `${m.toUpperCase()} ${held}/${f.buckets.length} buckets (drop(-2)/drop(+4) = ${ratios.join(', ')})`;
      });
      return `${e.spec.inpainter}: eroding by 2 hurts at least 3x more than dilating by 4 in ${parts.join('; ')}`;
    });
}
