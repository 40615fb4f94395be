// The figures of notebooks/07_what_if_dilation.ipynb: one image's mask dilated by a constant d (a Euclidean disk of
// radius d px), every hole filled by our learned inpainters and by Telea through removeFromPhoto (the function
// behind `npm run remove -- --dilate d`), shown as a plotly slider over d and as an image table; and the
// whole-image PSNR (paper protocol) against I_G per d, over test images of every mask-ratio bucket, with two masks
// other than a constant dilation placed at their mean dilation (Table IV's measure, lib/eval/maskMetrics.ts
// meanOffset: the mean signed distance of the mask's boundary to M_G, which M_G dilated by d px scores d): the
// joint network's learned mask (checkpoints/cpu/joint, the 'ours' of Tables IV and V) and the pretrained person
// segmenter's. The test images are the held-out procedural split (TEST_SEED).
import * as path from 'node:path';
import sharp from 'sharp';
import { type ImageBytes, bytesToRaster, rasterToBytes, readImageBytes } from '../image/io';
import { type Mask, type Raster, maskArea } from '../image/raster';
import { resize } from '../image/resize';
import { type Triplet, makeTriplet } from '../data/triplets';
import { MASK_RATIO_BUCKETS } from '../data/buckets';
import { TABLE5_JOINT_ARMS, TEST_SEED, tableResults } from '../eval/experiments';
import { psnr } from '../eval/psnr';
import { maskMetrics } from '../eval/maskMetrics';
import { table4Cells } from '../eval/table4';
import { type LearnedInpainters, loadLearnedInpainters } from '../pipeline/learnedInpainters';
import { shippedWeightsDir, shippedWeightsPaths } from '../io/shippedWeights';
import { photoHole, removeFromPhoto } from '../pipeline/photoRemoval';
import {
  type JointRemovalNetwork,
  jointRemover,
  loadJointRemovalNetwork,
  segmenterMask,
} from '../pipeline/jointRemoval';
import { repoPath, repoRelative } from '../io/repoRoot';
import type { Figure } from './figure';
import { type Picture, imageRowPng, maskChange, maskOverlay } from './images';
import { showFigure, showImageTable } from './display';
import { exportImageTable } from './exportFigure';
import { type ChartPanel, type PicturePanel, picturePanel } from './panel';

/** The dilations swept, px at 64 px (the paper's d = 2..8 at 256 px are 0.5..2 here, so the sweep goes further). */
export const D_STEPS = [0, 1, 2, 3, 4, 5, 6];
/** Test images per mask-ratio bucket of the mean curve, per preset. */
export const IMAGES_PER_BUCKET: Record<string, number> = { tiny: 1, cpu: 10 };

/** The shipped cpu-preset weights, at either preset: the inpainters the sweep fills with, and the joint network
 *  whose learned mask the curve places. */
export function dilationInpainters(): { nets: LearnedInpainters; joint: JointRemovalNetwork; line: string } {
  const dir = shippedWeightsDir('cpu');
  const nets = loadLearnedInpainters(shippedWeightsPaths(dir));
  const joint = loadJointRemovalNetwork(path.join(dir, 'joint'));
  return {
    nets,
    joint,
    line: `weights ${repoRelative(dir)} (${nets.size}x${nets.size}; the joint network ${repoRelative(dir)}/joint)`,
  };
}

export interface Step {
  d: number;
  hole: Mask;
  ours: Raster;
  telea: Raster;
}

/** Every d of `ds` (px of this image): the dilated hole, our fill and Telea's, through removeFromPhoto. */
export async function sweep(
  nets: LearnedInpainters,
  photo: ImageBytes,
  mask: Mask,
  ds: readonly number[],
  labels?: Triplet['labels'],
): Promise<Step[]> {
  const steps: Step[] = [];
  for (const d of ds) {
    const ours = await removeFromPhoto(photo, mask, { method: 'ours', nets, dilate: d, labels });
    const telea = await removeFromPhoto(photo, mask, { method: 'telea', dilate: d });
    steps.push({ d, hole: ours.hole, ours: bytesToRaster(ours.output), telea: bytesToRaster(telea.output) });
  }
  return steps;
}

/** A picture no larger than `side` px on its longer side, for the charts (the sweep itself is at full size). */
const small = (r: Raster, side = 128) => {
  const k = Math.min(1, side / Math.max(r.height, r.width));
  return k === 1 ? r : resize(r, Math.round(r.height * k), Math.round(r.width * k));
};

type StepRow = (s: Step) => { pictures: Picture[]; captions: string[] };

/** A plotly chart with a slider over d whose steps swap one precomputed picture (a row of images per step). Photos
 *  go in as JPEG (a third of the PNG's size, so every step fits in the committed notebook); the flat-coloured 64-px
 *  scenes stay PNG, which is smaller for them. */
async function sliderFigure(
  title: string,
  steps: Step[],
  row: StepRow,
  scale: number,
  format: 'png' | 'jpeg',
): Promise<{ figure: Figure; width: number; height: number }> {
  const pngs = await Promise.all(steps.map((s) => imageRowPng(row(s).pictures, { captions: row(s).captions, scale })));
  const encoded =
    format === 'png' ? pngs : await Promise.all(pngs.map((b) => sharp(b).jpeg({ quality: 85 }).toBuffer()));
  const uris = encoded.map((b) => `data:image/${format};base64,${b.toString('base64')}`);
  const [w, h] = [pngs[0].readUInt32BE(16), pngs[0].readUInt32BE(20)]; // the PNG header's IHDR: width, height
  const active = Math.floor(steps.length / 2);
  const figure: Figure & { layout: Record<string, unknown> } = {
    data: [{ type: 'image', source: uris[active], hoverinfo: 'skip' }],
    layout: {
      title: { text: title },
      margin: { l: 10, r: 10, t: 40, b: 10 },
      xaxis: { visible: false, range: [0, w] },
      yaxis: { visible: false, range: [h, 0], scaleanchor: 'x' },
      sliders: [
        {
          active,
          pad: { t: 10 },
          currentvalue: { prefix: 'dilation d = ', suffix: ' px' },
          steps: steps.map((s, k) => ({ label: String(s.d), method: 'restyle', args: [{ source: [uris[k]] }, [0]] })),
        },
      ],
    },
  };
  return { figure, width: w + 20, height: h + 150 };
}

/** A sweep as the notebook shows it: lines, a row of pictures, the slider, a row after it, the image table. */
export interface SweepView {
  steps: Step[];
  lines: string[];
  before?: { rows: Picture[][]; captions: string[][]; scale?: number };
  slider: { figure: Figure; width: number; height: number };
  after?: { rows: Picture[][]; captions: string[][]; scale?: number };
  table: PicturePanel;
}

/** Displays the sweep's parts in order and writes (does not display) its image table, figures/<table.name>.png. */
export async function showSweep(v: SweepView): Promise<void> {
  for (const line of v.lines) console.log(line);
  if (v.before) await showImageTable(v.before.rows, { captions: v.before.captions, scale: v.before.scale });
  await showFigure(v.slider.figure, { width: v.slider.width, height: v.slider.height });
  if (v.after) await showImageTable(v.after.rows, { captions: v.after.captions, scale: v.after.scale });
  const file = await exportImageTable(v.table.rows, v.table.name, { captions: v.table.captions, scale: v.table.scale });
  console.log(`wrote figures/${path.basename(file)}`);
}

const dB = (out: Raster, truth: Raster) => psnr(out, truth, { protocol: 'paper' }).value;

/** Test item `item` swept over `ds`: the input, M_G and I_G; one row per d of hole, ours and Telea with PSNR. */
export async function tripletSweep(
  nets: LearnedInpainters,
  item: number,
  ds: readonly number[] = D_STEPS,
): Promise<SweepView & { item: number; triplet: Triplet }> {
  const t = makeTriplet(TEST_SEED, item, { height: nets.size, width: nets.size, split: 'test' });
  const steps = await sweep(nets, rasterToBytes(t.image), t.mask, ds, t.labels);
  const row = (s: Step) => ({
    pictures: [maskChange(t.mask, s.hole), s.ours, s.telea],
    captions: [
      `hole, d = ${s.d} px`,
      `ours ${dB(s.ours, t.background).toFixed(1)} dB`,
      `Telea ${dB(s.telea, t.background).toFixed(1)} dB`,
    ],
  });
  const rows = steps.map(row);
  return {
    item,
    triplet: t,
    steps,
    lines: [],
    before: {
      rows: [[t.image, t.mask, t.background]],
      captions: [[`I: test item ${item}`, `M_G (${(100 * t.maskRatio).toFixed(1)} %)`, 'I_G (truth)']],
      scale: 2,
    },
    slider: await sliderFigure(`test item ${item}: slide d (px at 64 px)`, steps, row, 2, 'png'),
    table: picturePanel(
      '07_triplet_by_d',
      rows.map((r) => [...r.pictures, t.background]),
      rows.map((r) => [...r.captions, 'I_G (truth)']),
      [],
      rows.map(() => 2),
    ),
  };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const se = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1) / v.length);

export interface DilationCurve {
  preset: string;
  ds: readonly number[];
  items: number[];
  /** PSNR per d, one value per item */
  perD: { ours: number[]; telea: number[] }[];
  /** a mask other than M_G dilated, on the items where it is neither empty nor the whole image: its mean dilation
   *  (px), the share of M_G it covers and the PSNR of its fill, per item */
  seg: MaskPoint;
  /** the joint network's mask: filled by the joint network itself (Table IV's 'ours'), and by the sweep's inpainters */
  learned: MaskPoint & { psnrShipped: number[] };
  lines: string[];
}

export interface MaskPoint {
  d: number[];
  coverage: number[];
  psnr: number[];
}

/** PSNR per d over IMAGES_PER_BUCKET[preset] test images per bucket (the test split cycles the buckets); the
 *  pretrained segmenter's mask (the component overlapping M_G most) filled by ours; the joint network's mask (given
 *  M_G, as in Table IV) filled by the joint network and by ours. The lines add Table IV's learned-mask description of
 *  the same network on the real test sets (results/table4), where this preset has it. */
export async function dilationCurve(
  nets: LearnedInpainters,
  joint: JointRemovalNetwork,
  preset: string,
  ds: readonly number[] = D_STEPS,
): Promise<DilationCurve> {
  if (!(preset in IMAGES_PER_BUCKET))
    throw new Error(`PRESET must be one of ${Object.keys(IMAGES_PER_BUCKET).join(', ')}, got '${preset}'`);
  const items = Array.from({ length: IMAGES_PER_BUCKET[preset] * MASK_RATIO_BUCKETS.length }, (_, i) => i);
  const perD = ds.map(() => ({ ours: [] as number[], telea: [] as number[] }));
  const seg: MaskPoint = { d: [], coverage: [], psnr: [] };
  const learned = { d: [] as number[], coverage: [] as number[], psnr: [] as number[], psnrShipped: [] as number[] };
  const fillable = (m: Mask) => maskArea(m) > 0 && maskArea(m) < m.data.length;
  const ours = async (t: Triplet, m: Mask) =>
    dB(
      bytesToRaster(
        (await removeFromPhoto(rasterToBytes(t.image), m, { method: 'ours', nets, labels: t.labels })).output,
      ),
      t.background,
    );
  const removeJoint = jointRemover(joint);
  for (const item of items) {
    const t = makeTriplet(TEST_SEED, item, { height: nets.size, width: nets.size, split: 'test' });
    const steps = await sweep(nets, rasterToBytes(t.image), t.mask, ds, t.labels);
    steps.forEach((s, k) => {
      perD[k].ours.push(dB(s.ours, t.background));
      perD[k].telea.push(dB(s.telea, t.background));
    });
    const m = await segmenterMask(t.image, t.mask);
    if (fillable(m)) {
      const q = maskMetrics(m, t.mask);
      seg.d.push(q.meanOffset);
      seg.coverage.push(q.coverage);
      seg.psnr.push(await ours(t, m));
    }
    const j = await removeJoint(t.image, t.mask, t.labels);
    if (fillable(j.mask)) {
      const q = maskMetrics(j.mask, t.mask);
      learned.d.push(q.meanOffset);
      learned.coverage.push(q.coverage);
      learned.psnr.push(dB(j.output, t.background));
      learned.psnrShipped.push(await ours(t, j.mask));
    }
  }
  const lines = [
    `${items.length} test images (items 0-${items.length - 1}); the pretrained segmenter finds the person in ` +
      `${seg.d.length} of them, the joint network in ${learned.d.length}`,
  ];
  const described = (p: MaskPoint) =>
    `mean dilation ${mean(p.d).toFixed(2)} px (Table IV's measure), covering ${(100 * mean(p.coverage)).toFixed(1)} % ` +
    'of M_G on average';
  if (seg.d.length > 0)
    lines.push(
      `the pretrained segmenter's mask: ${described(seg)}, PSNR ${mean(seg.psnr).toFixed(2)} dB filled by ours`,
    );
  if (learned.d.length > 0)
    lines.push(
      `the joint network's mask: ${described(learned)}, PSNR ${mean(learned.psnr).toFixed(2)} dB with its own fill, ` +
        `${mean(learned.psnrShipped).toFixed(2)} dB filled by ours (M_G filled by ours: ` +
        `${mean(perD[0].ours).toFixed(2)} dB)`,
    );
  for (const c of table4Cells(tableResults('table4', preset), 'psnr').filter((x) => x.arm === TABLE5_JOINT_ARMS.ours)) {
    const all = c.masks.find((m) => m.bucket === 'all')!;
    lines.push(
      `Table IV (results/table4, arm ${c.arm}) on ${c.testSet}: mean dilation ${all.meanDilation.toFixed(2)} px, ` +
        `PSNR ${c.averaged.mean.toFixed(2)} dB (bucket-averaged; another test set, not on this curve)`,
    );
  }
  return { preset, ds, items, perD, seg, learned, lines };
}

/** The mean curve with its standard errors, the one image's curve, M_G's point and the segmenter's mask's point. */
export function psnrVsDPanel(c: DilationCurve, one: { item: number; steps: Step[]; triplet: Triplet }): ChartPanel {
  const line = (name: string, y: number[], err: number[] | null, colour: string, dash = 'solid') => ({
    type: 'scatter',
    mode: 'lines+markers',
    name,
    x: c.ds,
    y,
    line: { color: colour, dash },
    ...(err ? { error_y: { type: 'data', array: err, visible: true } } : {}),
  });
  const n = c.items.length;
  const truth = one.triplet.background;
  const traces: Array<Record<string, unknown>> = [
    line(
      `ours, mean of ${n}`,
      c.perD.map((p) => mean(p.ours)),
      c.perD.map((p) => se(p.ours)),
      '#d62728',
    ),
    line(
      `Telea, mean of ${n}`,
      c.perD.map((p) => mean(p.telea)),
      c.perD.map((p) => se(p.telea)),
      '#1f77b4',
    ),
    line(
      `ours, test item ${one.item}`,
      one.steps.map((s) => dB(s.ours, truth)),
      null,
      '#d62728',
      'dot',
    ),
    line(
      `Telea, test item ${one.item}`,
      one.steps.map((s) => dB(s.telea, truth)),
      null,
      '#1f77b4',
      'dot',
    ),
    {
      type: 'scatter',
      mode: 'markers',
      name: 'M_G (exact object mask), ours',
      x: [0],
      y: [mean(c.perD[0].ours)],
      marker: { symbol: 'star', size: 16, color: 'black' },
    },
  ];
  const point = (name: string, d: number[], y: number[], symbol: string, colour: string) => {
    if (d.length === 0) return;
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name: `${name} (mean of ${d.length})`,
      x: [mean(d)],
      y: [mean(y)],
      marker: { symbol, size: 14, color: colour },
      error_x: d.length > 1 ? { type: 'data', array: [se(d)], visible: true } : undefined,
      error_y: d.length > 1 ? { type: 'data', array: [se(y)], visible: true } : undefined,
    });
  };
  point("pretrained segmenter's mask, ours", c.seg.d, c.seg.psnr, 'diamond', '#2ca02c');
  point("learned mask (joint network), the joint network's fill", c.learned.d, c.learned.psnr, 'square', '#9467bd');
  point('learned mask (joint network), ours', c.learned.d, c.learned.psnrShipped, 'square-open', '#9467bd');
  const figure: Figure = {
    data: traces,
    layout: {
      title: { text: `PSNR against the dilation d (${c.preset} preset: ${n} test images at 64 px, paper protocol)` },
      xaxis: { title: { text: 'dilation d (px at 64 px; for the marked masks their mean dilation from M_G)' } },
      yaxis: { title: { text: 'PSNR against I_G (dB)' } },
      legend: { orientation: 'h', y: -0.25 },
      margin: { b: 140 },
    },
  };
  const best = (key: 'ours' | 'telea') =>
    c.ds[c.perD.map((p) => mean(p[key])).reduce((b, v, k, a) => (v > a[b] ? k : b), 0)];
  const last = c.ds.length - 1;
  const summary =
    `best d on average: ours ${best('ours')} px, Telea ${best('telea')} px; ` +
    `ours at d = 0: ${mean(c.perD[0].ours).toFixed(2)} dB, at d = ${c.ds[last]}: ${mean(c.perD[last].ours).toFixed(2)} dB`;
  return { name: '07_psnr_vs_d', figure, width: 900, height: 520, lines: [summary] };
}

/** Where the photo's hole comes from: a mask file (white = remove) or the person under a point. */
export type PhotoSource = { maskFile: string } | { point: { x: number; y: number } };

/** A photo (path relative to the repository root) swept over `ds` scaled by its size (d px at 64 px = d x longer
 *  side / 64 px on the photo): pictures only, no ground truth. */
export async function photoSweep(
  nets: LearnedInpainters,
  photoPath: string,
  source: PhotoSource,
  ds: readonly number[] = D_STEPS,
): Promise<SweepView> {
  const fromRoot = (p: string) => path.resolve(repoPath(), p);
  const photo = await readImageBytes(fromRoot(photoPath));
  const src = 'point' in source ? source : { maskFile: fromRoot(source.maskFile) };
  const mask = await photoHole(photo, src);
  const scale = Math.max(photo.height, photo.width) / nets.size;
  const steps = await sweep(
    nets,
    photo,
    mask,
    ds.map((d) => Math.round(d * scale)),
  );
  const raster = bytesToRaster(photo);
  const row = (s: Step) => ({
    pictures: [small(maskOverlay(raster, s.hole, [1, 0.5, 0], 0.6)), small(s.ours), small(s.telea)],
    captions: [`hole, d = ${s.d} px`, 'ours', 'Telea'],
  });
  const from = 'point' in source ? `the person under ${source.point.x},${source.point.y}` : 'from the mask';
  const name = photoPath.startsWith('/') ? path.basename(photoPath) : photoPath;
  const rows = steps.map(row);
  return {
    steps,
    lines: [
      `${name}: ${photo.width}x${photo.height} px, hole ${maskArea(mask)} px (${from}); ` +
        `d = ${steps.map((s) => s.d).join(', ')} px`,
    ],
    slider: await sliderFigure('your photo: slide d (px of the photo)', steps, row, 1, 'jpeg'),
    after: {
      rows: [[small(raster), ...row(steps[0]).pictures.slice(1)]],
      captions: [['input', 'ours, d = 0', 'Telea, d = 0']],
    },
    table: picturePanel(
      '07_photo_by_d',
      rows.map((r) => r.pictures),
      rows.map((r) => r.captions),
    ),
  };
}

/** The photo and hole source from the environment: PHOTO with MASK (white = remove) or POINT=x,y; without PHOTO,
 *  the friends photo of data/backgrounds with the point on the lower dog. Paths relative to the repository root. */
export function photoFromEnv(env: NodeJS.ProcessEnv = process.env): { photo: string; source: PhotoSource } {
  const photo = env.PHOTO ?? 'data/backgrounds/lomiri-wallpapers-16.04__friends_by_Aitzol_Berasategi.jpg';
  if (env.MASK) return { photo, source: { maskFile: env.MASK } };
  const point = env.POINT ?? (env.PHOTO ? undefined : '97,140');
  if (!point) throw new Error('PHOTO needs MASK=path/to/mask.png or POINT=x,y');
  const [x, y] = point.split(',').map(Number);
  return { photo, source: { point: { x, y } } };
}
