// Figures as files in figures/ (PNG, SVG), which render without a kernel: plotly charts, picture rows and tables.
// Re-running writes the same bytes, and leaves a file untouched when its content is unchanged, so regenerating
// figures on an unchanged checkout changes nothing. Plotly's PNG export is byte-stable here; its SVG is not: it names
// clip paths after a random per-plot id, traces without a uid get random ones, and the attribute order of a few
// elements varies between renders. canonicalSvg replaces the id with a fixed one and sorts each element's attributes
// (same drawing, stable bytes); traces get their index as uid. A PNG whose bytes differ is still kept when its
// decoded pixels are identical. Every write is atomic.
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import type { Figure } from './figure';
import { type RenderOptions, renderFigure } from './renderFigure';
import { type ImageRowOptions, type ImageTableOptions, type Picture, imageRowPng, imageTablePng } from './images';
import { writeFileAtomic } from '../io/atomicWrite';
import { repoPath } from '../io/repoRoot';

/** figures/ at the repository root (whatever the working directory); FIGURES_DIR overrides (tests use a temp dir). */
export function figuresDir(): string {
  return process.env.FIGURES_DIR ?? repoPath('figures');
}

/** <dir>/<name>.<ext>, after checking that the name is a plain file stem. */
function figureFile(dir: string, name: string, ext: 'png' | 'svg'): string {
  if (!/^[\w.-]+$/.test(name)) {
    throw new Error(`figure name ${JSON.stringify(name)}: use letters, digits, _ . - (no path, no extension)`);
  }
  return path.join(dir, `${name}.${ext}`);
}

export function canonicalSvg(svg: string): string {
  const uid = /clip([0-9a-f]{6})/.exec(svg)?.[1];
  const fixedIds = uid ? svg.split(uid).join('figure') : svg;
  return fixedIds.replace(
    /<([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")+)\s*(\/?)>/g,
    (_m, name: string, attrs: string, close: string) => {
      const list = attrs.match(/[\w:-]+="[^"]*"/g) ?? [];
      list.sort((a, b) => (a.slice(0, a.indexOf('=')) < b.slice(0, b.indexOf('=')) ? -1 : 1));
      return `<${name} ${list.join(' ')}${close}>`;
    },
  );
}

/** Writes `data` to `file` unless the file already holds it; returns whether it wrote. */
export function writeIfChanged(file: string, data: string | Buffer): boolean {
  if (fs.existsSync(file) && fs.readFileSync(file).equals(typeof data === 'string' ? Buffer.from(data) : data))
    return false;
  writeFileAtomic(file, data);
  return true;
}

async function samePixels(a: Buffer, b: Buffer): Promise<boolean> {
  const [ra, rb] = await Promise.all([a, b].map((x) => sharp(x).raw().toBuffer({ resolveWithObject: true })));
  return ra.info.width === rb.info.width && ra.info.height === rb.info.height && ra.data.equals(rb.data);
}

/** Each trace without a uid gets its index as one (plotly's default is random, and it appears in the SVG). */
const withUids = (fig: Figure): Figure => ({ ...fig, data: fig.data.map((t, i) => ({ uid: `t${i}`, ...t })) });

export interface FigureFile {
  file: string;
  written: boolean; // false: the file already held this content
}

/** Renders `fig` as <dir>/<name>.png (scale 2 by default, for sharp text) and .svg; the one figure writer. */
export async function writeFigure(
  fig: Figure,
  dir: string,
  name: string,
  opts: RenderOptions & { formats?: Array<'png' | 'svg'> } = {},
): Promise<FigureFile[]> {
  const { formats = ['png', 'svg'], scale = 2, ...size } = opts;
  const files = formats.map((format) => figureFile(dir, name, format));
  fs.mkdirSync(dir, { recursive: true });
  const out: FigureFile[] = [];
  for (const [i, format] of formats.entries()) {
    const file = files[i];
    if (format === 'png') {
      const png = await renderFigure(fig, 'png', { ...size, scale });
      const same = fs.existsSync(file) && (await samePixels(fs.readFileSync(file), png));
      out.push({ file, written: !same && writeIfChanged(file, png) });
    } else {
      out.push({ file, written: writeIfChanged(file, canonicalSvg(await renderFigure(withUids(fig), 'svg', size))) });
    }
  }
  return out;
}

/** figures/<name>.png and figures/<name>.svg; returns both paths (written or already up to date). */
export async function exportFigure(
  fig: Figure,
  name: string,
  opts: RenderOptions & { formats?: Array<'png' | 'svg'> } = {},
): Promise<string[]> {
  return (await writeFigure(fig, figuresDir(), name, opts)).map((f) => f.file);
}

/** A row of pictures as figures/<name>.png; returns the path. */
export async function exportImages(images: Picture[], name: string, opts: ImageRowOptions = {}): Promise<string> {
  const file = figureFile(figuresDir(), name, 'png');
  writeIfChanged(file, await imageRowPng(images, opts));
  return file;
}

/** Rows of pictures as figures/<name>.png; returns the path. */
export async function exportImageTable(rows: Picture[][], name: string, opts: ImageTableOptions = {}): Promise<string> {
  const file = figureFile(figuresDir(), name, 'png');
  writeIfChanged(file, await imageTablePng(rows, opts));
  return file;
}
