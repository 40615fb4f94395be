// A small canvas that paints colour and panoptic labels together, plus colour helpers shared by the scene and
// person renderers. Coordinates: pixel (x, y) has its centre at (x + 0.5, y + 0.5); shapes are tested at
// pixel centres, so the same scene rendered at another size is the same picture sampled differently.
import type { Raster } from '../image/raster';
import type { PanopticLabels } from './labels';

export type RGB = [number, number, number];

export interface Canvas {
  height: number;
  width: number;
  rgb: Float32Array; // [H * W * 3]
  semantic: Uint8Array; // [H * W]
  instance: Uint16Array; // [H * W]
}

export function createCanvas(height: number, width: number): Canvas {
  return {
    height,
    width,
    rgb: new Float32Array(height * width * 3),
    semantic: new Uint8Array(height * width),
    instance: new Uint16Array(height * width),
  };
}

export function setPixel(c: Canvas, i: number, col: RGB, classId: number, instanceId: number): void {
  c.rgb[3 * i] = col[0];
  c.rgb[3 * i + 1] = col[1];
  c.rgb[3 * i + 2] = col[2];
  c.semantic[i] = classId;
  c.instance[i] = instanceId;
}

export function canvasImage(c: Canvas): Raster {
  const data = new Float32Array(c.rgb.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(1, Math.max(0, c.rgb[i]));
  return { height: c.height, width: c.width, channels: 3, data };
}

export function canvasLabels(c: Canvas): PanopticLabels {
  return { height: c.height, width: c.width, semantic: c.semantic.slice(), instance: c.instance.slice() };
}

/** HSV (h in [0, 1) turns, s, v in [0, 1]) -> RGB. */
export function hsv(h: number, s: number, v: number): RGB {
  h = ((h % 1) + 1) % 1;
  const i = Math.floor(h * 6);
  const f = h * 6 - i;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  switch (i % 6) {
    case 0:
      return [v, t, p];
    case 1:
      return [q, v, p];
    case 2:
      return [p, v, t];
    case 3:
      return [p, q, v];
    case 4:
      return [t, p, v];
    default:
      return [v, p, q];
  }
}

export function mix(a: RGB, b: RGB, t: number): RGB {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

export function scale(a: RGB, k: number): RGB {
  return [a[0] * k, a[1] * k, a[2] * k];
}

export function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/** Distance from p to segment ab, and the position t in [0, 1] of the closest point along it. */
export function segmentDistance(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): { dist: number; t: number } {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
  const ex = px - (ax + t * dx);
  const ey = py - (ay + t * dy);
  return { dist: Math.sqrt(ex * ex + ey * ey), t };
}
