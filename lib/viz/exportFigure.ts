// Writes a plotly figure as static files (PNG, SVG) into figures/, which render without a kernel.
import * as fs from 'fs';
import * as path from 'path';
import { Figure } from './figure';
import { RenderOptions, renderFigure } from './renderFigure';
import { writeFileAtomic } from '../io/atomicWrite';
import { repoPath } from '../io/repoRoot';

// figures/ at the repository root (whatever the working directory). FIGURES_DIR overrides (test runs write to a temp dir).
export function figuresDir(): string {
  return process.env.FIGURES_DIR ?? repoPath('figures');
}

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
    writeFileAtomic(file, format === 'png' ? await renderFigure(fig, 'png', { ...size, scale }) : await renderFigure(fig, 'svg', size));
    written.push(file);
  }
  return written;
}
