// A plotly figure as plain JSON (what plotly.js draws and what the notebook mime bundle carries), its shape check,
// and the one figure builder the library needs: a one-channel map (e.g. a signed distance map) as a heatmap in
// image orientation (row 0 at the top, square pixels), with optional contour lines at chosen levels (e.g. the mask
// boundary phi = 0 and phi = alpha).
import { type Raster, assertRaster } from '../image/raster';

export interface Figure {
  data: Array<Record<string, unknown>>;
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

// Every `title` in plotly.js 3+ (layout, axes, legend, colorbar, pie) is an object; a bare string is
// ignored and the chart silently loses its title. Fail loudly instead.
function checkTitles(value: unknown, path: string): void {
  if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'title' && typeof child === 'string') {
      throw new Error(
        `figure ${path}.title is the string ${JSON.stringify(child)}; plotly needs {text: ${JSON.stringify(child)}}`,
      );
    }
    checkTitles(child, `${path}.${key}`);
  }
}

/** The font every figure is drawn in unless it names its own. Named, so that a rendering does not depend on which
 *  fonts are installed: plotly's default list ("Open Sans", verdana, arial) resolves to whatever fontconfig finds,
 *  and installing fonts-liberation2 (pulled in by python3-skimage) turned arial into Liberation Sans and changed the
 *  width of every legend in the committed SVG and PNG figures. DejaVu Sans is what that list resolved to before
 *  (fonts-dejavu-core, which scripts/setup.sh installs). */
export const FIGURE_FONT = 'DejaVu Sans';

// Returns the figure as plain JSON after checking its shape, in FIGURE_FONT unless its layout names a font family.
// Typed arrays become arrays (JSON.stringify would turn a Float32Array into {"0": ...}).
export function figureJson(fig: Figure): Figure {
  if (!fig || !Array.isArray(fig.data)) throw new Error('figure must be {data: [...traces], layout?: {...}}');
  checkTitles(fig.layout, 'layout');
  checkTitles(fig.data, 'data');
  const text = JSON.stringify(fig, (_key, value: unknown) =>
    ArrayBuffer.isView(value) && !(value instanceof DataView)
      ? Array.from(value as unknown as ArrayLike<number>)
      : value,
  );
  const json = JSON.parse(text) as Figure;
  const font = (json.layout?.font ?? {}) as Record<string, unknown>;
  return { ...json, layout: { ...json.layout, font: { family: FIGURE_FONT, ...font } } };
}

export interface HeatmapLevel {
  value: number;
  name: string;
  colour: string;
}

export interface HeatmapOptions {
  title: string;
  zmin?: number;
  zmax?: number;
  colorscale?: Array<[number, string]>;
  colorbarTitle?: string;
  levels?: HeatmapLevel[];
  digits?: number; // values are rounded to this many decimals: keeps the figure JSON in a notebook small
}

/** Blue (negative) - white (0) - red (positive), for maps centred on 0. */
export const DIVERGING: Array<[number, string]> = [
  [0, '#2166ac'],
  [0.25, '#92c5de'],
  [0.5, '#ffffff'],
  [0.75, '#f4a582'],
  [1, '#b2182b'],
];

export function heatmapFigure(map: Raster, opts: HeatmapOptions): Figure {
  assertRaster(map, 'heatmapFigure', 1);
  const { title, zmin, zmax, colorscale = DIVERGING, colorbarTitle, levels = [], digits = 3 } = opts;
  const k = 10 ** digits;
  const z: number[][] = [];
  for (let y = 0; y < map.height; y++) {
    z.push(Array.from(map.data.subarray(y * map.width, (y + 1) * map.width), (v) => Math.round(v * k) / k));
  }
  const heatmap: Record<string, unknown> = {
    type: 'heatmap',
    z,
    zmin,
    zmax,
    colorscale,
    name: title,
    showlegend: false,
    colorbar: colorbarTitle ? { title: { text: colorbarTitle } } : {},
  };
  const contours = levels.map((level) => ({
    type: 'contour',
    z,
    name: level.name,
    showlegend: true,
    showscale: false,
    hoverinfo: 'skip',
    contours: { coloring: 'none', start: level.value, end: level.value, size: 1 },
    line: { color: level.colour, width: 2 },
  }));
  return {
    data: [heatmap, ...contours],
    layout: {
      title: { text: title },
      xaxis: { title: { text: 'x [px]' }, constrain: 'domain' },
      yaxis: { title: { text: 'y [px]' }, autorange: 'reversed', scaleanchor: 'x' },
      legend: { orientation: 'h', y: -0.22, yanchor: 'top' },
    },
  };
}
