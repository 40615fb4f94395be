// Writes a plotly figure as static files (PNG, SVG) into figures/, which render without a kernel.
import * as fs from 'fs';
import * as path from 'path';
import { Figure } from './figure';
import { RenderOptions, renderFigure } from './renderFigure';
import { writeFileAtomic } from '../io/atomicWrite';
import { repoPath } from '../io/repoRoot';
import { canonicalSvg } from '../cli/figureFiles';

// figures/ at the repository root (whatever the working directory). FIGURES_DIR overrides (test runs write to a temp dir).
export function figuresDir(): string {
  return process.env.FIGURES_DIR ?? repoPath('figures');
}

/** Each trace without a uid gets its index as one (plotly's default is random, and it appears in the SVG). */
const withUids = (fig: Figure): Figure => ({ ...fig, data: fig.data.map((t, i) => ({ uid: `t${i}`, ...t })) });

// Writes figures/<name>.png (scale 2 for sharp text) and figures/<name>.svg; returns the paths written.
export async function exportFigure(fig: Figure, name: string,
  opts: RenderOptions & { formats?: Array<'png' | 'svg'> } = {}): Promise<string[]> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`figure name ${JSON.stringify(name)}: use letters, digits, _ . - (no path, no extension)`);
  const { formats = ['png', 'svg'], scale = 2, ...size } = opts;
  const dir = figuresDir();
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const format of formats) {
    const file = path.join(dir, `${name}.${format}`);
    // SVG with fixed ids (plotly names clip paths and traces by random ids), so a re-run writes the same bytes
    const data = format === 'png'
      ? await renderFigure(fig, 'png', { ...size, scale })
      : canonicalSvg(await renderFigure(withUids(fig), 'svg', size));
    writeFileAtomic(file, data);
    written.push(file);
  }
  return written;
}
