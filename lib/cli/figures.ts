// npm run figures -- [--results DIR] [--out DIR] [--preset NAME]
//
// Rebuilds every figure and table in figures/ from results/ alone (no experiment is run), in seconds. Only
// finished experiments of one test set are drawn: an unfinished one (some test images not scored) is left out, and
// so are those of other test sets (another preset), each with a line saying so; --preset picks the test set
// (default: the largest one found).
//   table1_psnr.png/.svg, table1_ssim.png/.svg   ours per bucket vs d beside the paper's Table I (quoted)
//   table1.md, table1.csv                         ours and the paper's side by side, both protocols
// A file is rewritten only when its content changed: running it twice changes no file.
import * as fs from 'fs';
import * as path from 'path';
import { ExperimentSpec, resultsDir } from '../eval/experiment';
import { evalPreset } from '../eval/experiments';
import { readResultRows } from '../eval/resultRows';
import { loadPaperTables } from '../eval/paperTables';
import { ExperimentResults, table1Csv, table1Figure, table1Markdown } from '../eval/table1Report';
import { figuresDir } from '../viz/exportFigure';
import { closeFigureRenderer } from '../viz/renderFigure';
import { writeFigureIfChanged, writeIfChanged } from './figureFiles';
import { CliSpec, parseCli, runCli } from './args';

export interface LoadedExperiment extends ExperimentResults {
  /** test images with every row of the spec (each mask x metric) */
  imagesDone: number;
}

/** Every experiment under `dir` (folders with spec.json and per_image.jsonl), sorted by name. */
export function loadResults(dir: string): LoadedExperiment[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).sort().flatMap((name) => {
    const specFile = path.join(dir, name, 'spec.json');
    const rowsFile = path.join(dir, name, 'per_image.jsonl');
    if (!fs.existsSync(specFile) || !fs.existsSync(rowsFile)) return [];
    let spec: ExperimentSpec;
    try {
      spec = JSON.parse(fs.readFileSync(specFile, 'utf8'));
    } catch (e) {
      throw new Error(`${specFile} is corrupt (${(e as Error).message.split('\n')[0]}): restore it, or re-run its experiment`);
    }
    const rows = readResultRows(rowsFile);
    const perImage = new Map<number, number>();
    for (const r of rows) perImage.set(r.image, (perImage.get(r.image) ?? 0) + 1);
    const expected = spec.masks.length * spec.metrics.length;
    const imagesDone = [...perImage.values()].filter((n) => n >= expected).length;
    return rows.length ? [{ spec, rows, imagesDone }] : [];
  });
}

// the set's kind is part of the key (procedural, photo-test, vtest share count, size and seed), named unless procedural
const testSetKey = ({ spec: { testSet: t } }: LoadedExperiment) =>
  `${t.count} images @${t.size}px (seed ${t.seed}${t.kind === 'procedural' ? '' : `, ${t.kind}`})`;

/** The experiments a figure may draw: finished ones of one test set; `leftOut` says why the others are not drawn. */
export function drawableExperiments(all: LoadedExperiment[], preset?: string): { drawn: LoadedExperiment[]; leftOut: string[] } {
  const leftOut: string[] = [];
  const finished = all.filter((e) => {
    if (e.imagesDone >= e.spec.testSet.count) return true;
    leftOut.push(`${e.spec.name} is unfinished (${e.imagesDone} of ${e.spec.testSet.count} test images scored): not drawn; ` +
      'finish it with the command in its command.txt');
    return false;
  });
  const sets = [...new Set(finished.map(testSetKey))];
  let chosen: string | undefined;
  if (preset !== undefined) {
    const { size, count } = evalPreset(preset);
    chosen = sets.find((k) => finished.some((e) => testSetKey(e) === k && e.spec.testSet.size === size && e.spec.testSet.count === count));
    if (!chosen) throw new Error(`--preset ${preset}: no finished experiment on its test set (${count} images @${size}px)`);
  } else {
    chosen = sets.sort((a, b) => parseInt(b) - parseInt(a))[0];
  }
  const drawn = finished.filter((e) => testSetKey(e) === chosen);
  for (const e of finished) if (testSetKey(e) !== chosen) leftOut.push(`${e.spec.name} is on another test set (${testSetKey(e)}): not drawn beside ${chosen}`);
  return { drawn, leftOut };
}

/** Builds all figures and tables; returns the files written (empty when nothing changed) and what was left out. */
export async function buildFigures(results: string, out: string, preset?: string):
  Promise<{ written: string[]; unchanged: string[]; leftOut: string[] }> {
  const tables = loadPaperTables();
  const { drawn: table1, leftOut } = drawableExperiments(loadResults(results).filter((e) => e.spec.table === 'table1_mask_size'), preset);
  const written: string[] = [];
  const unchanged: string[] = [];
  const note = (file: string, wrote: boolean): void => { (wrote ? written : unchanged).push(file); };
  if (table1.length === 0) {
    leftOut.push(`no finished table1 results in ${results}; run npm run reproduce -- --only table1`);
    return { written, unchanged, leftOut };
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
  return { written, unchanged, leftOut };
}

const FIGURES_CLI: CliSpec = {
  name: 'figures',
  usage: '[--results DIR] [--out DIR] [--preset NAME]',
  summary: 'Rebuilds the figures and tables from finished results alone; a file is rewritten only when its content changed.',
  options: {
    results: { type: 'string', value: 'DIR', help: 'the results folder (default results/, or RESULTS_DIR)' },
    out: { type: 'string', value: 'DIR', help: 'where the figures go (default figures/, or FIGURES_DIR)' },
    preset: { type: 'string', value: 'NAME', help: "draw the experiments on this preset's test set (default: the largest test set found)" },
  },
};

if (require.main === module) {
  runCli('figures', async () => {
    const t0 = Date.now();
    const parsed = parseCli(FIGURES_CLI, process.argv.slice(2));
    if (!parsed) return;
    const v = parsed.values as Record<string, string | undefined>;
    if (v.preset !== undefined) evalPreset(v.preset);
    try {
      const { written, unchanged, leftOut } = await buildFigures(v.results ?? resultsDir(), v.out ?? figuresDir(), v.preset);
      for (const line of leftOut) console.error(`figures: ${line}`);
      for (const f of written) console.error(`figures: wrote ${path.relative(process.cwd(), f)}`);
      console.error(`figures: ${written.length} written, ${unchanged.length} unchanged (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } finally {
      await closeFigureRenderer();
    }
  });
}
