// npm run figures -- [--results DIR] [--out DIR] [--preset NAME]
//
// Rebuilds every figure and table in figures/ from results/ alone (no experiment is run), in seconds. Only
// finished experiments of one test set are drawn: an unfinished one (some test images not scored) is left out, and
// so are those of other test sets (another preset), each with a line saying so; --preset picks the test set
// (default: the largest one found).
//   table1_psnr.png/.svg, table1_ssim.png/.svg   ours per bucket vs d beside the paper's Table I (quoted)
//   table1.md, table1.csv                         ours and the paper's side by side, both protocols
//   table2_psnr/_ssim.png/.svg, table2.md/.csv    Table II (results/table2/): the gap object - random per bucket
//   table3_psnr/_ssim.png/.svg, table3.md/.csv    Table III (results/table3/, with Table II's N = 0 and object arms)
// Tables II and III draw every test set of one preset's size and count (Table I: one test set).
// A file is rewritten only when its content changed: running it twice changes no file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type LoadedExperiment, finishedExperiments, loadResults, resultsDir } from '../eval/experiment';
import { TABLES, evalPreset, validationCount } from '../eval/experiments';
import { loadPaperTables } from '../eval/paperTables';
import { table1Csv, table1Figure, table1Markdown } from '../eval/table1';
import { table2Csv, table2Figure, table2Markdown } from '../eval/table2';
import { table3Csv, table3Figure, table3Markdown } from '../eval/table3';
import { table4Report } from '../eval/table4';
import { isPerceptual, loadTable5Perceptual, table5Report } from '../eval/table5';
import type { Figure } from '../viz/figure';
import { figuresDir, writeFigure, writeIfChanged } from '../viz/exportFigure';
import { closeFigureRenderer } from '../viz/renderFigure';
import { type CliSpec, parseCli, runCli } from './args';

// the set's kind is part of the key (procedural, photo-test, vtest share count, size and seed), named unless procedural
const testSetKey = ({ spec: { testSet: t } }: LoadedExperiment) =>
  `${t.count} images @${t.size}px (seed ${t.seed}${t.kind === 'procedural' ? '' : `, ${t.kind}`})`;

/** The experiments a figure may draw: finished ones of one test set; `leftOut` says why the others are not drawn. */
export function drawableExperiments(
  all: LoadedExperiment[],
  preset?: string,
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
  const sets = [...new Set(finished.map(testSetKey))];
  let chosen: string | undefined;
  if (preset !== undefined) {
    const { size, count } = evalPreset(preset);
    chosen = sets.find((k) =>
      finished.some((e) => testSetKey(e) === k && e.spec.testSet.size === size && e.spec.testSet.count === count),
    );
    if (!chosen)
      throw new Error(`--preset ${preset}: no finished experiment on its test set (${count} images @${size}px)`);
  } else {
    chosen = sets.sort((a, b) => Number.parseInt(b, 10) - Number.parseInt(a, 10))[0];
  }
  const drawn = finished.filter((e) => testSetKey(e) === chosen);
  for (const e of finished)
    if (testSetKey(e) !== chosen)
      leftOut.push(`${e.spec.name} is on another test set (${testSetKey(e)}): not drawn beside ${chosen}`);
  return { drawn, leftOut };
}

/** Builds all figures and tables; returns the files written (empty when nothing changed) and what was left out. */
export async function buildFigures(
  results: string,
  out: string,
  preset?: string,
): Promise<{ written: string[]; unchanged: string[]; leftOut: string[] }> {
  const tables = loadPaperTables();
  const written: string[] = [];
  const unchanged: string[] = [];
  const leftOut: string[] = [];
  const note = (file: string, wrote: boolean): void => {
    (wrote ? written : unchanged).push(file);
  };
  const figure = async (fig: Figure, name: string): Promise<void> => {
    for (const f of await writeFigure(fig, out, name, { width: 1100, height: 420 })) note(f.file, f.written);
  };
  const text = (name: string, content: string): void => {
    fs.mkdirSync(out, { recursive: true });
    note(path.join(out, name), writeIfChanged(path.join(out, name), content));
  };
  const of = (table: keyof typeof TABLES) =>
    loadResults(path.join(results, TABLES[table].folder)).filter((e) => e.spec.table === TABLES[table].paperTable);

  const table1 = of('table1');
  const t1 = table1.length ? drawableExperiments(table1, preset) : { drawn: [], leftOut: [] };
  leftOut.push(...t1.leftOut);
  if (t1.drawn.length === 0)
    leftOut.push(`no finished table1 results in ${results}; run npm run reproduce -- --only table1`);
  else {
    for (const metric of ['psnr', 'ssim'] as const)
      await figure(table1Figure(metric, t1.drawn, tables), `table1_${metric}`);
    text('table1.md', table1Markdown(t1.drawn, tables));
    text('table1.csv', table1Csv(t1.drawn, tables));
  }
  const p = preset === undefined ? undefined : evalPreset(preset);
  const t2 = finishedExperiments(of('table2'), p?.size, p?.count);
  const t3 = finishedExperiments(of('table3'), p?.size, p?.count);
  leftOut.push(...t2.leftOut, ...t3.leftOut);
  if (t2.drawn.length) {
    for (const metric of ['psnr', 'ssim'] as const)
      await figure(table2Figure(metric, t2.drawn, tables), `table2_${metric}`);
    text('table2.md', table2Markdown(t2.drawn, tables));
    text('table2.csv', table2Csv(t2.drawn, tables));
  }
  if (t3.drawn.length) {
    for (const metric of ['psnr', 'ssim'] as const)
      await figure(table3Figure(metric, t3.drawn, t2.drawn, tables), `table3_${metric}`);
    text('table3.md', table3Markdown(t3.drawn, t2.drawn, tables));
    text('table3.csv', table3Csv(t3.drawn, t2.drawn, tables));
  }
  // Tables IV and V; Table V's k is chosen on its validation experiments (half the test count), kept beside
  const t4 = finishedExperiments(of('table4'), p?.size, p?.count);
  // the perceptual experiments (a subset of the items each) are drawn inside Table V's report, not as its rows
  const t5 = finishedExperiments(
    of('table5').filter((e) => !isPerceptual(e)),
    p?.size,
    p?.count,
  );
  const t5Set = t5.drawn[0]?.spec.testSet;
  const validation = t5Set
    ? finishedExperiments(
        of('table5').filter((e) => e.spec.testSet.kind === 'photo-validation'),
        t5Set.size,
        validationCount(t5Set.count),
      ).drawn
    : [];
  leftOut.push(...t4.leftOut, ...t5.leftOut.filter((l) => !validation.some((e) => l.startsWith(e.spec.name))));
  if (t4.drawn.length) text('table4.md', table4Report(t4.drawn, tables));
  if (t5.drawn.length)
    text(
      'table5.md',
      table5Report([...t5.drawn, ...validation], t4.drawn, tables, loadTable5Perceptual(results, t5Set?.size)),
    );
  return { written, unchanged, leftOut };
}

const FIGURES_CLI: CliSpec = {
  name: 'figures',
  usage: '[--results DIR] [--out DIR] [--preset NAME]',
  summary:
    'Rebuilds the figures and tables from finished results alone; a file is rewritten only when its content changed.',
  options: {
    results: { type: 'string', value: 'DIR', help: 'the results folder (default results/, or RESULTS_DIR)' },
    out: { type: 'string', value: 'DIR', help: 'where the figures go (default figures/, or FIGURES_DIR)' },
    preset: {
      type: 'string',
      value: 'NAME',
      help: "draw the experiments on this preset's test set (default: the largest test set found)",
    },
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
      const { written, unchanged, leftOut } = await buildFigures(
        v.results ?? resultsDir(),
        v.out ?? figuresDir(),
        v.preset,
      );
      for (const line of leftOut) console.error(`figures: ${line}`);
      for (const f of written) console.error(`figures: wrote ${path.relative(process.cwd(), f)}`);
      console.error(
        `figures: ${written.length} written, ${unchanged.length} unchanged ` +
          `(${((Date.now() - t0) / 1000).toFixed(1)} s)`,
      );
    } finally {
      await closeFigureRenderer();
    }
  });
}
