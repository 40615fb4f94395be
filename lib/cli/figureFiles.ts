// Writes figure and table files only when their content changed, so `npm run figures` run twice leaves every
// file untouched (same bytes, same mtime). Plotly's PNG export is byte-stable here; its SVG is not: it names
// clip paths after a random per-plot id and the attribute order of a few elements varies between renders.
// canonicalSvg replaces the id with a fixed one and sorts each element's attributes (same drawing, stable bytes).
// A PNG whose bytes differ is still kept when its decoded pixels are identical.
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import type { Figure } from '../viz/figure';
import { renderFigure } from '../viz/renderFigure';
import { writeFileAtomic } from '../io/atomicWrite';

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

/** Renders <dir>/<name>.png (scale 2) and .svg; returns the files it (re)wrote. */
export async function writeFigureIfChanged(
  fig: Figure,
  dir: string,
  name: string,
  size = { width: 1100, height: 420 },
): Promise<string[]> {
  const written: string[] = [];
  const png = await renderFigure(fig, 'png', { ...size, scale: 2 });
  const pngFile = path.join(dir, `${name}.png`);
  if (!(fs.existsSync(pngFile) && (await samePixels(fs.readFileSync(pngFile), png))) && writeIfChanged(pngFile, png))
    written.push(pngFile);
  const svgFile = path.join(dir, `${name}.svg`);
  if (writeIfChanged(svgFile, canonicalSvg(await renderFigure(fig, 'svg', size)))) written.push(svgFile);
  return written;
}
