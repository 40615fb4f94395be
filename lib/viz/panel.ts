// A notebook figure as a value: pictures in rows with their captions (or a plotly chart), the figure file it is
// written to, and the lines of text that go with it. A notebook cell computes a panel with one library call and
// shows it with showPanel, which displays it inline, writes figures/<name>.png (charts also .svg) and prints the
// text, a table if it has one, and the written file's name relative to the repository (no machine paths in
// committed outputs).
import * as path from 'node:path';
import type { Figure } from './figure';
import type { Picture } from './images';
import { exportFigure, exportImageTable } from './exportFigure';
import { displayBundle, showFigure, showImageTable } from './display';

export interface PicturePanel {
  /** figures/<name>.png */
  name: string;
  rows: Picture[][];
  captions: string[][];
  /** nearest-neighbour upscaling per row (default: each row ~128 px high) */
  scale?: number[];
  lines: string[];
  /** a table (Markdown) shown below the pictures */
  markdown?: string;
}

export interface ChartPanel {
  /** figures/<name>.png and .svg */
  name: string;
  figure: Figure;
  width?: number;
  height?: number;
  lines: string[];
}

export type Panel = PicturePanel | ChartPanel;

/** Checks that every row has one caption per picture, so a panel fails where it is made, not where it is drawn. */
export function picturePanel(
  name: string,
  rows: Picture[][],
  captions: string[][],
  lines: string[] = [],
  scale?: number[],
): PicturePanel {
  if (rows.length !== captions.length || rows.some((r, i) => r.length !== captions[i].length)) {
    throw new Error(
      `panel ${name}: ${rows.map((r) => r.length).join('/')} pictures per row, ` +
        `${captions.map((c) => c.length).join('/')} captions`,
    );
  }
  if (scale && scale.length !== rows.length)
    throw new Error(`panel ${name}: ${scale.length} scales for ${rows.length} rows`);
  return { name, rows, captions, lines, ...(scale ? { scale } : {}) };
}

const written = (file: string) => `figures/${path.basename(file)}`;

/** Displays the panel in the current notebook cell, writes its figure file(s) and prints its lines. */
export async function showPanel(panel: Panel): Promise<void> {
  let files: string[];
  if ('figure' in panel) {
    const size = { width: panel.width, height: panel.height };
    await showFigure(panel.figure, size);
    files = await exportFigure(panel.figure, panel.name, size);
  } else {
    const opts = { captions: panel.captions, scale: panel.scale };
    await showImageTable(panel.rows, opts);
    files = [await exportImageTable(panel.rows, panel.name, opts)];
    if (panel.markdown) displayBundle({ 'text/markdown': panel.markdown, 'text/plain': panel.markdown });
  }
  for (const line of panel.lines) console.log(line);
  console.log(`wrote ${files.map(written).join(', ')}`);
}
