// Plotly charts in tslab notebooks without embedding plotly.js (4.8 MB) in every notebook:
// the output is a mime bundle with the figure JSON (JupyterLab's plotly renderer and VS Code draw it
// interactively) and a PNG of it (GitHub, nbviewer and kernel-less viewers show that).
import { displayBundle, MimeBundle } from './displayBundle';
import { Figure, figureJson } from './figure';
import { RenderOptions, renderFigure } from './renderFigure';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

function titleOf(fig: Figure): string {
  const title = fig.layout?.title as { text?: unknown } | undefined;
  return typeof title?.text === 'string' ? title.text : 'untitled';
}

// png: the static rendering, or null when none could be made (the bundle then has JSON + text only).
export function figureBundle(fig: Figure, png: Buffer | null): MimeBundle {
  const bundle: MimeBundle = {
    [PLOTLY_MIME]: figureJson(fig),
    'text/plain': `<plotly figure: ${titleOf(fig)}, ${fig.data.length} trace(s)>`,
  };
  if (png) bundle['image/png'] = png.toString('base64');
  return bundle;
}

export async function showFigure(fig: Figure, opts: RenderOptions = {}): Promise<void> {
  let png: Buffer | null = null;
  try {
    png = await renderFigure(fig, 'png', opts);
  } catch (err) {
    // Still show the interactive chart; only the static fallback is missing.
    console.warn(`showFigure: no static PNG (${(err as Error).message})`);
  }
  displayBundle(figureBundle(fig, png));
}
