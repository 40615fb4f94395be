// Image rows and tables written to figures/<name>.png, so the pictures a notebook shows inline also exist as
// static files. Same folder rule as exportFigure (FIGURES_DIR overrides); written atomically.
import * as path from 'path';
import { writeFileAtomic } from '../io/atomicWrite';
import { figuresDir } from './exportFigure';
import { ImageRowOptions, imageRowPng } from './imageGrid';
import { ImageTableOptions, imageTablePng } from './imageTable';
import { Picture } from './picture';

function figureFile(name: string): string {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`figure name ${JSON.stringify(name)}: use letters, digits, _ . - (no path, no extension)`);
  return path.join(figuresDir(), `${name}.png`);
}

/** A row of images as figures/<name>.png; returns the path written. */
export async function exportImages(images: Picture[], name: string, opts: ImageRowOptions = {}): Promise<string> {
  const file = figureFile(name);
  writeFileAtomic(file, await imageRowPng(images, opts));
  return file;
}

/** Rows of images as figures/<name>.png; returns the path written. */
export async function exportImageTable(rows: Picture[][], name: string, opts: ImageTableOptions = {}): Promise<string> {
  const file = figureFile(name);
  writeFileAtomic(file, await imageTablePng(rows, opts));
  return file;
}
