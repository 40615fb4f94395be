// Lay equally sized rasters out in a grid (contact sheets), with a gap of `gap` pixels of value `background`.
import { type Raster, assertRaster } from './raster';

export function tileRasters(items: readonly Raster[], columns: number, gap = 2, background = 1): Raster {
  if (items.length === 0) throw new Error('tileRasters: nothing to tile');
  const { height: h, width: w } = items[0];
  for (const r of items) assertRaster(r, 'tileRasters', 3, h, w);
  const rows = Math.ceil(items.length / columns);
  const H = rows * h + (rows - 1) * gap;
  const W = columns * w + (columns - 1) * gap;
  const data = new Float32Array(H * W * 3).fill(background);
  items.forEach((r, k) => {
    const oy = Math.floor(k / columns) * (h + gap);
    const ox = (k % columns) * (w + gap);
    for (let y = 0; y < h; y++) data.set(r.data.subarray(y * w * 3, (y + 1) * w * 3), ((oy + y) * W + ox) * 3);
  });
  return { height: H, width: W, channels: 3, data };
}
