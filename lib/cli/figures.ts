// npm run figures -- [--results DIR] [--out DIR]
//
// Rebuilds every figure and table in figures/ from results/ alone (no experiment is run), in seconds:
//   table1_psnr.png/.svg, table1_ssim.png/.svg   ours per bucket vs d beside the paper's Table I (quoted)
//   table1.md, table1.csv                         ours and the paper's side by side, both protocols
// A file is rewritten only when its content changed: running it twice changes no file.
import * as fs from 'fs';
import * as path from 'path';
import { ExperimentSpec, resultsDir } from '../eval/experiment';
import { readResultRows } from '../eval/resultRows';
import { loadPaperTables } from '../eval/paperTables';
import { ExperimentResults, table1Csv, table1Figure, table1Markdown } from '../eval/table1Report';
import { figuresDir } from '../viz/exportFigure';
import { closeFigureRenderer } from '../viz/renderFigure';
import { writeFigureIfChanged, writeIfChanged } from './figureFiles';

/** Every experiment under `dir` (folders with spec.json and per_image.jsonl), sorted by name. */
export function loadResults(dir: string): ExperimentResults[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).sort().flatMap((name) => {
    const specFile = path.join(dir, name, 'spec.json');
    const rowsFile = path.join(dir, name, 'per_image.jsonl');
    if (!fs.existsSync(specFile) || !fs.existsSync(rowsFile)) return [];
    const rows = readResultRows(rowsFile);
    return rows.length ? [{ spec: JSON.parse(fs.readFileSync(specFile, 'utf8')) as ExperimentSpec, rows }] : [];
  });
}

/** Builds all figures and tables; returns the files written (empty when nothing changed). */
export async function buildFigures(results: string, out: string): Promise<{ written: string[]; unchanged: string[] }> {
  const tables = loadPaperTables();
  const table1 = loadResults(results).filter((e) => e.spec.table === 'table1_mask_size');
  const written: string[] = [];
  const unchanged: string[] = [];
  const note = (file: string, wrote: boolean): void => { (wrote ? written : unchanged).push(file); };
  if (table1.length === 0) {
    console.error(`figures: no table1 results in ${results}; run npm run reproduce -- --only table1`);
    return { written, unchanged };
  }
  fs.mkdirSync(out, { recursive: true });
  for (const metric of ['psnr', 'ssim'] as const) {
    const files = await writeFigureIfChanged(table1Figure(metric, table1, tables), out, `table1_${metric}`);
    written.push(...files);
    for (const ext of ['png', 'svg']) {
      const f = path.join(out, `table1_${metric}.${ext}`);
      if (!files.includes(f)) unchanged.push(f);
    }
  }
  const md = path.join(out, 'table1.md');
  note(md, writeIfChanged(md, table1Markdown(table1, tables)));
  const csv = path.join(out, 'table1.csv');
  note(csv, writeIfChanged(csv, table1Csv(table1, tables)));
  return { written, unchanged };
}

function parseArgs(argv: string[]): { results: string; out: string } {
  const o: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`usage: npm run figures -- [--results DIR] [--out DIR]`);
    o[argv[i].slice(2)] = argv[i + 1];
  }
  for (const k of Object.keys(o)) if (!['results', 'out'].includes(k)) throw new Error(`unknown option --${k}`);
  return { results: o.results ?? resultsDir(), out: o.out ?? figuresDir() };
}

if (require.main === module) {
  const t0 = Date.now();
  const { results, out } = parseArgs(process.argv.slice(2));
  buildFigures(results, out)
    .then(async ({ written, unchanged }) => {
      await closeFigureRenderer();
      for (const f of written) console.error(`figures: wrote ${path.relative(process.cwd(), f)}`);
      console.error(`figures: ${written.length} written, ${unchanged.length} unchanged (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      process.exit(0);
    })
    .catch((e) => {
      console.error(`figures: ${e instanceof Error ? e.message : e}`);
      process.exit(1);
    });
}
