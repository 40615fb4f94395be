// Resize and crop. Images use a separable triangle (bilinear) filter whose support widens when shrinking
// (antialiased, like PIL's BILINEAR resize), so downscaling a 256px photo to 64px averages instead of aliasing.
// Masks and label maps use nearest neighbour so they stay binary / integer.
import { type Raster, type Mask, assertRaster, checkSize } from './raster';

interface Taps {
  start: Int32Array; // first source index per output index
  count: Int32Array; // number of taps
  weights: Float32Array; // [out * maxTaps]
  maxTaps: number;
}

function triangleTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const support = Math.max(scale, 1); // triangle radius in source pixels
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float32Array(outSize * maxTaps);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale; // in source pixel-edge coordinates
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(inSize, Math.ceil(center + support));
    let sum = 0;
    let n = 0;
    for (let s = lo; s < hi && n < maxTaps; s++, n++) {
      const w = Math.max(0, 1 - Math.abs(s + 0.5 - center) / support);
      weights[o * maxTaps + n] = w;
      sum += w;
    }
    for (let k = 0; k < n; k++) weights[o * maxTaps + k] /= sum;
    start[o] = lo;
    count[o] = n;
  }
  return { start, count, weights, maxTaps };
}

/** Resize an image to height x width (antialiased bilinear). */
export function resize(r: Raster, height: number, width: number): Raster {
  assertRaster(r, 'resize');
  checkSize(height, width, 'resize');
  if (r.height === height && r.width === width) return { ...r, data: r.data.slice() };
  const C = r.channels;
  // pass 1: rows -> [r.height, width, C]
  const tx = triangleTaps(r.width, width);
  const mid = new Float32Array(r.height * width * C);
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < width; x++) {
      const s0 = tx.start[x];
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (let k = 0; k < tx.count[x]; k++)
          acc += tx.weights[x * tx.maxTaps + k] * r.data[(y * r.width + s0 + k) * C + c];
        mid[(y * width + x) * C + c] = acc;
      }
    }
  }
  // pass 2: columns -> [height, width, C]
  const ty = triangleTaps(r.height, height);
  const out = new Float32Array(height * width * C);
  for (let y = 0; y < height; y++) {
    const s0 = ty.start[y];
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (let k = 0; k < ty.count[y]; k++)
          acc += ty.weights[y * ty.maxTaps + k] * mid[((s0 + k) * width + x) * C + c];
        out[(y * width + x) * C + c] = acc;
      }
    }
  }
  return { height, width, channels: C, data: out };
}

/** Source pixel index (in a srcH x srcW image) for each pixel of a dstH x dstW nearest-neighbour resize. */
export function nearestIndexMap(srcH: number, srcW: number, dstH: number, dstW: number): Int32Array {
  const map = new Int32Array(dstH * dstW);
  for (let y = 0; y < dstH; y++) {
    const sy = Math.min(srcH - 1, Math.floor(((y + 0.5) * srcH) / dstH));
    for (let x = 0; x < dstW; x++) {
      const sx = Math.min(srcW - 1, Math.floor(((x + 0.5) * srcW) / dstW));
      map[y * dstW + x] = sy * srcW + sx;
    }
  }
  return map;
}

export function resizeMask(m: Mask, height: number, width: number): Mask {
  checkSize(height, width, 'resizeMask');
  const map = nearestIndexMap(m.height, m.width, height, width);
  const data = new Uint8Array(height * width);
  for (let i = 0; i < data.length; i++) data[i] = m.data[map[i]];
  return { height, width, data };
}

/** Crop a height x width window starting at (top, left). */
export function crop(r: Raster, top: number, left: number, height: number, width: number): Raster {
  assertRaster(r, 'crop');
  if (top < 0 || left < 0 || top + height > r.height || left + width > r.width) {
    throw new Error(`crop: window ${height}x${width} at (${top}, ${left}) does not fit in ${r.height}x${r.width}`);
  }
  const C = r.channels;
  const out = new Float32Array(height * width * C);
  for (let y = 0; y < height; y++) {
    const src = ((top + y) * r.width + left) * C;
    out.set(r.data.subarray(src, src + width * C), y * width * C);
  }
  return { height, width, channels: C, data: out };
}

export function centerCrop(r: Raster, height: number, width: number): Raster {
  if (height > r.height || width > r.width) {
    throw new Error(`centerCrop: crop ${height}x${width} is larger than the image ${r.height}x${r.width}`);
  }
  return crop(r, Math.floor((r.height - height) / 2), Math.floor((r.width - width) / 2), height, width);
}

/** Geometry of a "cover" resize: scale so the image covers height x width, then center-crop. */
export function coverGeometry(srcH: number, srcW: number, height: number, width: number) {
  const scale = Math.max(height / srcH, width / srcW);
  const scaledH = Math.max(height, Math.round(srcH * scale));
  const scaledW = Math.max(width, Math.round(srcW * scale));
  return { scaledH, scaledW, top: Math.floor((scaledH - height) / 2), left: Math.floor((scaledW - width) / 2) };
}

/** Resize so the image covers height x width, then center-crop to exactly that size. */
export function resizeCover(r: Raster, height: number, width: number): Raster {
  const g = coverGeometry(r.height, r.width, height, width);
  return crop(resize(r, g.scaledH, g.scaledW), g.top, g.left, height, width);
}
