// Per-image results of an experiment: one JSON object a line (results/<experiment>/per_image.jsonl), one row per
// (image, mask, metric, protocol). The file is always rewritten whole and atomically (lib/io/atomicWrite), sorted,
// so a killed run leaves the last complete version and two runs that computed the same rows write the same bytes.
import * as fs from 'fs';
import { writeFileAtomic } from '../io/atomicWrite';

export interface ResultRow {
  image: number; // index of the test item
  bucket: string; // mask-ratio bucket of the ground-truth mask, e.g. '10-20%'
  maskRatio: number; // |M_G| / (H * W)
  mask: string; // mask key, e.g. 'gt+2' (GT dilated by 2 px at 256 scale), 'gt-2', 'random'
  d256: number | null; // dilation (+) / erosion (-) in pixels at 256x256; null for masks that are not GT-based
  dPixels: number | null; // the same at this resolution: d256 * size / 256
  holeRatio: number; // share of the image the inpainter filled
  metric: string; // 'psnr' | 'ssim'
  protocol: string; // 'paper' | 'common'
  region: string; // 'whole-image' (as the paper)
  value: number; // may be +Infinity (PSNR of identical images)
}

export function rowKey(r: Pick<ResultRow, 'image' | 'mask' | 'metric' | 'protocol'>): string {
  return `${r.image}|${r.mask}|${r.metric}|${r.protocol}`;
}

// JSON has no Infinity: non-finite values are written as strings ("Infinity") and read back as numbers.
function encode(r: ResultRow): string {
  return JSON.stringify(r, (key, v: unknown) => (key === 'value' && typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

export function readResultRows(file: string): ResultRow[] {
  if (!fs.existsSync(file)) return [];
  const rows: ResultRow[] = [];
  fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let r: ResultRow;
    try {
      r = JSON.parse(line) as ResultRow;
    } catch {
      throw new Error(`${file}:${i + 1}: not a JSON line: ${line.slice(0, 80)}`);
    }
    if (typeof r.value === 'string') r.value = Number(r.value);
    if (typeof r.image !== 'number' || typeof r.mask !== 'string' || typeof r.metric !== 'string' || typeof r.value !== 'number') {
      throw new Error(`${file}:${i + 1}: not a result row (needs image, mask, metric, protocol, value)`);
    }
    rows.push(r);
  });
  return rows;
}

/** Writes the rows as JSONL, atomically, in the order given. */
export function writeResultRows(file: string, rows: ResultRow[]): void {
  writeFileAtomic(file, rows.map((r) => encode(r) + '\n').join(''));
}
