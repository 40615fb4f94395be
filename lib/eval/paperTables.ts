// The paper's tables (data/paper/tables.json, transcribed from the paper, every value quoted) and a side-by-side
// table of our per-bucket results and the paper's. Every column holding a paper value is labelled
// "paper (quoted)", so a reader can never take a quoted number for one we measured.
import * as fs from 'node:fs';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { repoPath } from '../io/repoRoot';

/** The bucketed tables and the key of their x axis (what varies along a row of the paper's table). */
export const PAPER_TABLE_AXES = {
  table1_mask_size: 'd',
  table2_mask_type: 'columns',
  table3_finetune_size: 'thousands_of_images',
  table4_alpha: 'alpha', // means over all mask ratios only: not a bucketed table (paperSeries refuses it)
  table5_sota: 'methods',
} as const;
export type PaperTableName = keyof typeof PAPER_TABLE_AXES;
export type PaperMetric = 'psnr' | 'ssim' | 'lpips' | 'fid';

export const PAPER_LABEL = 'paper (quoted)';

type BucketValues = Record<string, Array<number | null>>;
export type PaperTables = { source: string; buckets: string[] } & Record<string, unknown>;

export function paperTablesPath(): string {
  return repoPath('data', 'paper', 'tables.json');
}

export function loadPaperTables(file = paperTablesPath()): PaperTables {
  const t = JSON.parse(fs.readFileSync(file, 'utf8')) as PaperTables;
  if (!Array.isArray(t.buckets)) throw new Error(`${file}: no "buckets" list; is it the paper's tables.json?`);
  return t;
}

export interface PaperPoint {
  bucket: string; // our label, e.g. '0-10%'
  x: number | string;
  value: number | null; // null: not legible in the paper
}

/** The paper's values of one metric in one bucketed table, as (bucket, x, value) points. */
export function paperSeries(tables: PaperTables, table: PaperTableName, metric: PaperMetric): PaperPoint[] {
  const t = tables[table] as Record<string, unknown> | undefined;
  if (!t) throw new Error(`paper tables: no table '${table}'`);
  const xs = t[PAPER_TABLE_AXES[table]] as Array<number | string>;
  if (table === 'table4_alpha')
    throw new Error("paper table 'table4_alpha' has means over all mask ratios, no buckets");
  const values = t[metric] as BucketValues | undefined;
  if (!values) throw new Error(`paper table '${table}' has no ${metric} values (has: ${Object.keys(t).join(', ')})`);
  const points: PaperPoint[] = [];
  for (const b of tables.buckets) {
    const row = values[b];
    if (!row || row.length !== xs.length)
      throw new Error(
        `paper table '${table}' ${metric}: bucket ${b} has ${row?.length} values for ${xs.length} columns`,
      );
    xs.forEach((x, i) => points.push({ bucket: `${b}%`, x, value: row[i] }));
  }
  return points;
}

/** One of our series: per-bucket statistics at each x (for table 1, x = d). */
export interface OursSeries {
  label: string; // e.g. 'ours: telea, tiny, paper protocol'
  points: Array<{ bucket: string; x: number | string; mean: number; se: number | null; n: number }>;
}

/** Rows (bucket, x) of the paper's table, with columns `<label> mean`, `<label> s.e.`, `<label> n` for each of
 *  our series and `paper (quoted)` for the paper's value. x values only we have are appended after the paper's. */
export function paperVsOurs(
  table: PaperTableName,
  metric: PaperMetric,
  ours: OursSeries[],
  tables = loadPaperTables(),
): ColumnTable {
  const paper = paperSeries(tables, table, metric);
  const axis = PAPER_TABLE_AXES[table];
  const keys: Array<{ bucket: string; x: number | string }> = paper.map(({ bucket, x }) => ({ bucket, x }));
  for (const s of ours) {
    for (const p of s.points)
      if (!keys.some((k) => k.bucket === p.bucket && k.x === p.x)) keys.push({ bucket: p.bucket, x: p.x });
  }
  const buckets = tables.buckets.map((b) => `${b}%`);
  keys.sort((a, b) => buckets.indexOf(a.bucket) - buckets.indexOf(b.bucket));
  const columns: Record<string, unknown[]> = { bucket: keys.map((k) => k.bucket), [axis]: keys.map((k) => k.x) };
  for (const s of ours) {
    const at = (k: { bucket: string; x: number | string }) =>
      s.points.find((p) => p.bucket === k.bucket && p.x === k.x);
    columns[`${s.label} mean`] = keys.map((k) => at(k)?.mean ?? null);
    columns[`${s.label} s.e.`] = keys.map((k) => at(k)?.se ?? null);
    columns[`${s.label} n`] = keys.map((k) => at(k)?.n ?? 0);
  }
  columns[PAPER_LABEL] = keys.map((k) => paper.find((p) => p.bucket === k.bucket && p.x === k.x)?.value ?? null);
  return aq.table(columns);
}
