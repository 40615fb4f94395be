// An experiment is a plain spec: which inpainter, which test set, which masks, which metrics. runExperiment
// inpaints every test image with every mask, scores the result against the object-free ground truth, and writes
//   results/<name>/spec.json         the spec (a re-run with a different spec under the same name is refused)
//   results/<name>/per_image.jsonl   one row per (image, mask, metric, protocol)   (lib/eval/resultRows.ts)
//   results/<name>/by_bucket.csv     mean, standard error and count per mask-ratio bucket (lib/eval/resultRows.ts)
// The rows are the spec's metrics and, beside every SSIM under 'paper', SSIM under 'paper-scaled' (the window scaled
// to the image; lib/eval/protocol.ts SSIM_COMPANION, scoredMetrics here). The spec does not list the companion, so
// results written before it existed keep their spec and still load as finished.
// Resumable: rows already on disk are not computed again; an image whose rows (the companion's too) are all present
// is skipped without generating it, an image done in part computes only its missing masks. An older experiment that
// is resumed thus computes its images again: the companion covers all of an experiment's images or none of them.
// Rows are flushed atomically at most every `flushSeconds` and whenever the run stops (also on an error), so an
// interrupted run loses at most that much work and a re-run finishes it with identical results.
//
// Masks. 'gt' with d256 = d: the ground-truth mask thresholded at signed distance d * R / 256 at resolution R
// (lib/image/morphology thresholdSignedDistance: {p : phi(p) <= d}). The paper's d is in pixels at 256x256; at
// 64x64, d = -2..8 becomes -0.5..2 px. d >= 0 is exactly a Euclidean-disk dilation; d < 0 removes the rings with
// phi > d (at -0.5: the inner border ring). The hole is inpainted in I (the image with the object) and the
// result is scored against I_G (the background). 'random': a free-form DeepFill-style hole with a ratio in the
// item's bucket, inpainted in I_G itself and scored against I_G (the usual inpainting benchmark).
// An empty hole (an object eroded away) leaves the image unchanged. The inpainter's output is composited
// (known pixels from the input), as EdgeConnect evaluates, so only the hole can differ.
// 'random' holes are drawn from (the test set's seed, the item index) alone, so every arm and inpainter gets the same
// hole on the same image (Table II's cross: object-mask training scored on random masks).
// The inpainter also gets the panoptic labels of the image it inpaints (I's for 'gt' masks, I_G's for 'random'):
// the learned pipeline's segmentation inpainter takes them as its cue (Table I "inpainting network only"); the
// classical fills ignore them. A learned inpainter's spec records its checkpoints (path, stage, step, SHA-256), so
// results of other weights are never mixed into a finished experiment.
//
// Removal with a learned mask (Tables IV, V; 'selected'): the paper's automatic setting, where m_G only selects
// which segment to remove. A Remover (lib/pipeline/jointRemoval.ts: a joint run, or the segmenter's mask dilated by
// k px and filled by an inpainter) returns the finished image and the mask it filled; that mask may reach beyond m_G
// or miss part of it, so its output is scored as it is, never composited over m_G. Each row records the filled
// mask against m_G (lib/eval/maskMetrics.ts: IoU, boundary F, coverage, area ratio, mean signed offset), so the
// learned masks are described from the same run that scored them. The spec's `removal` says which remover it was.
import * as path from 'node:path';
import * as fs from 'node:fs';
import { type Mask, type Raster, assertRaster, maskArea, maskRatio } from '../image/raster';
import { thresholdSignedDistance } from '../image/morphology';
import { TEST_SET_KINDS, type TestSetSpec, type Triplet, openTestSet } from '../data/triplets';
import { MASK_RATIO_BUCKETS, MIN_MASK_RATIO } from '../data/buckets';
import { irregularMask } from '../data/irregularMasks';
import { deriveSeed } from '../random/prng';
import { type Inpainter, LEARNED_INPAINTER } from '../inpaint/inpainter';
import type { Remover } from '../pipeline/jointRemoval';
import { maskMetrics } from './maskMetrics';
import { lpipsLikeInception } from './lpipsLike';
import { INCEPTION_INPUT_SIZE, inceptionProtocol } from './inception';
import type { CheckpointRecord, InpainterPart } from '../pipeline/learnedInpainters';
import type { PanopticLabels } from '../data/labels';
import { Progress } from '../train/progress';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomicWrite';
import { psnr } from './psnr';
import { ssim } from './ssim';
import { type MetricProtocolName, METRIC_PROTOCOLS, SSIM_COMPANION, ssimSettingsAt } from './protocol';
import {
  type MaskStats,
  type ResultRow,
  readResultRows,
  rowKey,
  writeResultRows,
  aggregateByBucket,
} from './resultRows';
import { repoPath } from '../io/repoRoot';

export type MaskSpec = { kind: 'gt'; d256: number } | { kind: 'random' } | { kind: 'selected' };

/** Which Remover made a 'selected' experiment's masks: a joint run's checkpoint, or a segmenter's mask dilated by
 *  k px and filled by the spec's inpainter (the pretrained segmenter, or one fine-tuned: its checkpoint). */
export type RemovalSpec =
  | { method: 'joint'; checkpoint: { file: string; step: number; sha256: string } }
  | {
      method: 'segmenterMask';
      segmenter: string;
      k: number;
      checkpoint?: { file: string; step: number; sha256: string };
    };

/** PSNR and SSIM under a protocol (lib/eval/protocol.ts), or the LPIPS-like distance (lib/eval/lpipsLike.ts) with
 *  its network and input size as the protocol (LPIPS_LIKE_PROTOCOL). */
export type MetricSpec =
  | { metric: 'psnr' | 'ssim'; protocol: MetricProtocolName }
  | { metric: 'lpipsLike'; protocol: typeof LPIPS_LIKE_PROTOCOL };
export const LPIPS_LIKE_PROTOCOL = 'inceptionV3-nsfwjs@299';

export interface ExperimentSpec {
  name: string; // folder under results/
  table: string; // the paper table it reproduces (key of data/paper/tables.json), for figures
  inpainter: string; // name resolved by the caller (lib/eval/experiments.ts loadInpainter)
  arm?: string; // Tables II-V: the checkpoint set scored, e.g. 'object-s0' (lib/eval/experiments.ts ARM_PATTERNS)
  checkpoints?: Record<InpainterPart, CheckpointRecord>; // the learned inpainter's weights (absent for classical fills)
  testSet: TestSetSpec; // lib/data/triplets.ts openTestSet
  removal?: RemovalSpec; // Tables IV, V: the remover of the 'selected' mask
  masks: MaskSpec[];
  metrics: MetricSpec[];
}

export interface RunOptions {
  /** fills the holes of masks other than 'selected' */
  inpainter?: Inpainter;
  /** for a spec with `removal`: the remover that makes and fills its own mask */
  remover?: Remover;
  resultsDir?: string; // default: results/ at the repository root (RESULTS_DIR overrides)
  flushSeconds?: number; // default 2
  progress?: boolean; // default true
}

export interface RunSummary {
  dir: string;
  computedImages: number;
  skippedImages: number;
  rows: number;
}

export function resultsDir(): string {
  return process.env.RESULTS_DIR ?? repoPath('results');
}

export function maskKey(m: MaskSpec): string {
  return m.kind === 'gt' ? `gt${m.d256 >= 0 ? '+' : ''}${m.d256}` : m.kind;
}

const metricKey = (m: { metric: string; protocol: string }): string => `${m.metric}|${m.protocol}`;

/** What a run scores: the spec's metrics, each SSIM with a companion (SSIM_COMPANION) followed by the companion's
 *  SSIM unless the spec lists it itself. */
export function scoredMetrics(metrics: MetricSpec[]): MetricSpec[] {
  const listed = new Set(metrics.map(metricKey));
  return metrics.flatMap((m): MetricSpec[] => {
    const companion = m.metric === 'ssim' ? SSIM_COMPANION[m.protocol] : undefined;
    return companion && !listed.has(metricKey({ metric: 'ssim', protocol: companion }))
      ? [m, { metric: 'ssim', protocol: companion }]
      : [m];
  });
}

export function checkSpec(spec: ExperimentSpec): void {
  const where = `experiment '${spec.name}'`;
  if (!/^[\w.-]+$/.test(spec.name)) throw new Error(`${where}: name must use letters, digits, _ . - only`);
  const { count, size, seed } = spec.testSet;
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`${where}: testSet.count must be a positive integer, got ${count}`);
  if (!Number.isInteger(size) || size < 16)
    throw new Error(`${where}: testSet.size must be an integer >= 16, got ${size}`);
  if (!Number.isInteger(seed)) throw new Error(`${where}: testSet.seed must be an integer, got ${seed}`);
  if (!TEST_SET_KINDS.includes(spec.testSet.kind))
    throw new Error(`${where}: unknown test set '${spec.testSet.kind}' (expected ${TEST_SET_KINDS.join(', ')})`);
  if ((spec.inpainter === LEARNED_INPAINTER) !== (spec.checkpoints !== undefined)) {
    throw new Error(
      `${where}: checkpoints are recorded for the learned inpainter '${LEARNED_INPAINTER}' and only for it ` +
        `(inpainter '${spec.inpainter}')`,
    );
  }
  if (spec.masks.length === 0 || spec.metrics.length === 0)
    throw new Error(`${where}: needs at least one mask and one metric`);
  if (spec.masks.some((m) => m.kind === 'selected') !== (spec.removal !== undefined))
    throw new Error(`${where}: a 'selected' mask and a removal spec go together (one without the other)`);
  const keys = spec.masks.map(maskKey);
  if (new Set(keys).size !== keys.length) throw new Error(`${where}: duplicate masks ${keys.join(', ')}`);
  for (const m of scoredMetrics(spec.metrics)) {
    if (m.metric === 'lpipsLike') {
      if (m.protocol !== inceptionProtocol(INCEPTION_INPUT_SIZE))
        throw new Error(`${where}: lpipsLike's protocol is '${inceptionProtocol(INCEPTION_INPUT_SIZE)}'`);
      continue;
    }
    const p = METRIC_PROTOCOLS[m.protocol];
    if (!p) throw new Error(`${where}: unknown protocol '${m.protocol}'`);
    if (m.metric !== 'psnr' && m.metric !== 'ssim') throw new Error(`${where}: unknown metric '${m.metric}'`);
    const { winSize } = ssimSettingsAt(p.ssim, size, size);
    if (m.metric === 'ssim' && size < winSize)
      throw new Error(
        `${where}: SSIM under the '${m.protocol}' protocol needs images of at least ${winSize} px, ` +
          `test images are ${size} px`,
      );
  }
}

/** The image to inpaint, the hole, and the ground truth for one test item and mask. */
export function maskedInput(
  testSet: TestSetSpec,
  index: number,
  m: MaskSpec,
  triplet: Triplet,
): { input: Raster; labels: PanopticLabels; hole: Mask; truth: Raster } {
  const { size, seed } = testSet;
  // 'selected': the hole is m_G, which only selects the segment the remover fills
  if (m.kind === 'selected')
    return { input: triplet.image, labels: triplet.labels, hole: triplet.mask, truth: triplet.background };
  if (m.kind === 'gt') {
    return {
      input: triplet.image,
      labels: triplet.labels,
      hole: thresholdSignedDistance(triplet.mask, (m.d256 * size) / 256),
      truth: triplet.background,
    };
  }
  const { lo, hi } = MASK_RATIO_BUCKETS[triplet.bucket];
  const hole = irregularMask(deriveSeed(seed, 1), index, size, size, Math.max(lo, MIN_MASK_RATIO), hi);
  return { input: triplet.background, labels: triplet.backgroundLabels, hole, truth: triplet.background };
}

async function inpaintComposited(
  inpainter: Inpainter,
  input: Raster,
  labels: PanopticLabels,
  hole: Mask,
): Promise<Raster> {
  if (maskArea(hole) === 0) return input;
  const out = await inpainter(input, hole, { labels });
  assertRaster(out, 'inpainter output', input.channels, input.height, input.width);
  const C = input.channels;
  const data = Float32Array.from(input.data);
  for (let p = 0; p < hole.data.length; p++)
    if (hole.data[p]) for (let c = 0; c < C; c++) data[p * C + c] = out.data[p * C + c];
  return { height: input.height, width: input.width, channels: C, data };
}

export async function runExperiment(spec: ExperimentSpec, opts: RunOptions): Promise<RunSummary> {
  checkSpec(spec);
  if ((spec.removal !== undefined) !== (opts.remover !== undefined))
    throw new Error(
      `experiment '${spec.name}': a spec with a removal needs opts.remover, and only such a spec takes one`,
    );
  const dir = path.join(opts.resultsDir ?? resultsDir(), spec.name);
  const specFile = path.join(dir, 'spec.json');
  if (fs.existsSync(specFile)) {
    const old = fs.readFileSync(specFile, 'utf8');
    try {
      JSON.parse(old);
    } catch {
      throw new Error(`${specFile} is corrupt (not JSON): delete ${dir} to recompute experiment '${spec.name}'`);
    }
    if (old !== `${JSON.stringify(spec, null, 1)}\n`) {
      throw new Error(
        `${specFile} holds a different spec than experiment '${spec.name}': ` +
          `delete ${dir} to recompute, or give the experiment another name`,
      );
    }
  } else {
    writeJsonAtomic(specFile, spec);
  }
  const rowsFile = path.join(dir, 'per_image.jsonl');
  const rows = new Map<string, ResultRow>();
  for (const r of readResultRows(rowsFile)) rows.set(rowKey(r), r);

  const metrics = scoredMetrics(spec.metrics);
  const maskOrder = new Map(spec.masks.map((m, i) => [maskKey(m), i]));
  const metricOrder = new Map(metrics.map((m, i) => [metricKey(m), i]));
  const flush = (): void => {
    const sorted = [...rows.values()].sort(
      (a, b) =>
        a.image - b.image ||
        maskOrder.get(a.mask)! - maskOrder.get(b.mask)! ||
        metricOrder.get(metricKey(a))! - metricOrder.get(metricKey(b))!,
    );
    writeResultRows(rowsFile, sorted);
  };

  const { count, size } = spec.testSet;
  const itemAt = await openTestSet(spec.testSet);
  const flushMs = (opts.flushSeconds ?? 2) * 1000;
  let lastFlush = Date.now();
  let dirty = false;
  let computed = 0;
  let skipped = 0;
  const progress = opts.progress === false ? null : new Progress(spec.name, 0, count);
  try {
    for (let index = 0; index < count; index++) {
      const missing = spec.masks.filter((m) =>
        metrics.some((x) => !rows.has(rowKey({ image: index, mask: maskKey(m), ...x }))),
      );
      if (missing.length === 0) {
        skipped++;
        progress?.update(index + 1, {});
        continue;
      }
      const triplet = await itemAt(index);
      for (const m of missing) {
        const { input, labels, hole: given, truth } = maskedInput(spec.testSet, index, m, triplet);
        let output: Raster;
        let hole = given;
        let maskStats: MaskStats | undefined;
        if (m.kind === 'selected') {
          // the remover's own mask and output, as they are: no composite over m_G
          const removed = await opts.remover!(input, given, labels);
          assertRaster(removed.output, 'remover output', input.channels, input.height, input.width);
          ({ output, mask: hole } = removed);
          const s = maskMetrics(hole, given);
          maskStats = {
            iou: s.iou,
            boundaryF: s.boundaryF,
            coverage: s.coverage,
            areaRatio: s.areaRatio,
            meanOffset: Number.isNaN(s.meanOffset) ? null : s.meanOffset,
          };
        } else {
          if (!opts.inpainter) throw new Error(`experiment '${spec.name}': mask ${maskKey(m)} needs opts.inpainter`);
          output = await inpaintComposited(opts.inpainter, input, labels, hole);
        }
        for (const x of metrics) {
          const score =
            x.metric === 'lpipsLike'
              ? await lpipsLikeInception(output, truth)
              : x.metric === 'psnr'
                ? psnr(output, truth, { protocol: x.protocol })
                : ssim(output, truth, { protocol: x.protocol });
          const row: ResultRow = {
            image: index,
            bucket: MASK_RATIO_BUCKETS[triplet.bucket].label,
            maskRatio: triplet.maskRatio,
            mask: maskKey(m),
            d256: m.kind === 'gt' ? m.d256 : null,
            dPixels: m.kind === 'gt' ? (m.d256 * size) / 256 : null,
            holeRatio: maskRatio(hole),
            metric: x.metric,
            protocol: x.protocol,
            region: score.region,
            value: score.value,
            ...(maskStats ? { maskStats } : {}),
          };
          rows.set(rowKey(row), row);
          dirty = true;
        }
      }
      computed++;
      if (Date.now() - lastFlush >= flushMs) {
        flush();
        lastFlush = Date.now();
        dirty = false;
      }
      progress?.update(index + 1, {});
    }
  } finally {
    if (dirty) flush();
  }
  const all = readResultRows(rowsFile);
  writeFileAtomic(path.join(dir, 'by_bucket.csv'), aggregateByBucket(all).toCSV());
  return { dir, computedImages: computed, skippedImages: skipped, rows: all.length };
}

/** A finished or partial experiment read back from results/<name>/. */
export interface ExperimentResults {
  spec: ExperimentSpec;
  rows: ResultRow[];
}

export interface LoadedExperiment extends ExperimentResults {
  /** test images with every row of the spec (each mask x metric the spec lists; companion SSIMs not counted) */
  imagesDone: number;
}

/** Every experiment under `dir` (folders with spec.json and per_image.jsonl), sorted by name. */
export function loadResults(dir: string): LoadedExperiment[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const specFile = path.join(dir, name, 'spec.json');
      const rowsFile = path.join(dir, name, 'per_image.jsonl');
      if (!fs.existsSync(specFile) || !fs.existsSync(rowsFile)) return [];
      let spec: ExperimentSpec;
      try {
        spec = JSON.parse(fs.readFileSync(specFile, 'utf8'));
      } catch (e) {
        throw new Error(
          `${specFile} is corrupt (${(e as Error).message.split('\n')[0]}): restore it, or re-run its experiment`,
        );
      }
      const rows = readResultRows(rowsFile);
      const listed = new Set(spec.metrics.map(metricKey));
      const perImage = new Map<number, number>();
      for (const r of rows) if (listed.has(metricKey(r))) perImage.set(r.image, (perImage.get(r.image) ?? 0) + 1);
      const expected = spec.masks.length * spec.metrics.length;
      const imagesDone = [...perImage.values()].filter((n) => n >= expected).length;
      return rows.length ? [{ spec, rows, imagesDone }] : [];
    });
}

/** Finished experiments of one test-set size and count (any test set; default: the largest count found), as a
 *  table draws them; `leftOut` says why the others are not drawn. */
export function finishedExperiments(
  all: LoadedExperiment[],
  size?: number,
  count?: number,
): { drawn: LoadedExperiment[]; leftOut: string[] } {
  const leftOut: string[] = [];
  const finished = all.filter((e) => {
    if (e.imagesDone >= e.spec.testSet.count) return true;
    leftOut.push(
      `${e.spec.name} is unfinished (${e.imagesDone} of ${e.spec.testSet.count} test images scored): not drawn; ` +
        'finish it with the command in its command.txt',
    );
    return false;
  });
  const target =
    size !== undefined
      ? { size, count: count! }
      : finished.map((e) => e.spec.testSet).sort((a, b) => b.count - a.count)[0];
  const drawn = finished.filter(
    (e) => target && e.spec.testSet.size === target.size && e.spec.testSet.count === target.count,
  );
  for (const e of finished)
    if (!drawn.includes(e))
      leftOut.push(`${e.spec.name} is of another preset (${e.spec.testSet.count} images): not drawn`);
  return { drawn, leftOut };
}
