// A one-channel map (e.g. a signed distance map) as a plotly heatmap in image orientation (row 0 at the top,
// square pixels), with optional contour lines at chosen levels (e.g. the mask boundary phi = 0 and phi = alpha).
import { Raster, assertRaster } from '../image/raster';
import { Figure } from './figure';

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
export const DIVERGING: Array<[number, string]> = [[0, '#2166ac'], [0.25, '#92c5de'], [0.5, '#ffffff'], [0.75, '#f4a582'], [1, '#b2182b']];

export function heatmapFigure(map: Raster, opts: HeatmapOptions): Figure {
  assertRaster(map, 'heatmapFigure', 1);
  const { title, zmin, zmax, colorscale = DIVERGING, colorbarTitle, levels = [], digits = 3 } = opts;
  const k = 10 ** digits;
  const z: number[][] = [];
  for (let y = 0; y < map.height; y++) {
    z.push(Array.from(map.data.subarray(y * map.width, (y + 1) * map.width), (v) => Math.round(v * k) / k));
  }
  const heatmap: Record<string, unknown> = {
    type: 'heatmap', z, zmin, zmax, colorscale, name: title, showlegend: false,
    colorbar: colorbarTitle ? { title: { text: colorbarTitle } } : {},
  };
  const contours = levels.map((level) => ({
    type: 'contour', z, name: level.name, showlegend: true, showscale: false, hoverinfo: 'skip',
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
