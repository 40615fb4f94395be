// Core pixel types. Pixel work (scene synthesis, morphology, distance maps, Canny) runs on plain typed arrays:
// it is per-pixel, branchy code that tfjs would only slow down (kernel dispatch per op, no gain on 64x64 images),
// and typed arrays keep it deterministic and free of backend state. Tensors appear only at the model boundary
// through toTensor / fromTensor (lib/image/tensor.ts).
//
// Layout everywhere: row-major, HWC (index = (y * width + x) * channels + c), like a tf [H, W, C] tensor.

/** An image: float values in [0, 1], HWC. */
export interface Raster {
  height: number;
  width: number;
  channels: number;
  data: Float32Array; // [H * W * C]
}

/** A binary mask: 1 = inside (object / hole), 0 = outside. */
export interface Mask {
  height: number;
  width: number;
  data: Uint8Array; // [H * W], values 0 or 1
}

export function createRaster(height: number, width: number, channels: number): Raster {
  checkSize(height, width, 'createRaster');
  if (!Number.isInteger(channels) || channels < 1) throw new Error(`createRaster: bad channel count ${channels}`);
  return { height, width, channels, data: new Float32Array(height * width * channels) };
}

export function createMask(height: number, width: number): Mask {
  checkSize(height, width, 'createMask');
  return { height, width, data: new Uint8Array(height * width) };
}

export function checkSize(height: number, width: number, where: string): void {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new Error(`${where}: image size must be positive integers, got ${height}x${width}`);
  }
}

/** Throws unless the raster has the given channel count (and, if given, size). */
export function assertRaster(r: Raster, where: string, channels?: number, height?: number, width?: number): void {
  if (r.data.length !== r.height * r.width * r.channels) {
    throw new Error(`${where}: raster data length ${r.data.length} != ${r.height}*${r.width}*${r.channels}`);
  }
  if (channels !== undefined && r.channels !== channels) {
    throw new Error(`${where}: expected ${channels} channel(s), got ${r.channels}`);
  }
  if (height !== undefined && width !== undefined && (r.height !== height || r.width !== width)) {
    throw new Error(`${where}: expected size ${height}x${width}, got ${r.height}x${r.width}`);
  }
}

/** Throws unless the mask holds only 0/1 values (and, if given, has the given size). */
export function assertBinaryMask(m: Mask, where: string, height?: number, width?: number): void {
  if (m.data.length !== m.height * m.width) {
    throw new Error(`${where}: mask data length ${m.data.length} != ${m.height}*${m.width}`);
  }
  if (height !== undefined && width !== undefined && (m.height !== height || m.width !== width)) {
    throw new Error(`${where}: mask size ${m.height}x${m.width} does not match image size ${height}x${width}`);
  }
  for (let i = 0; i < m.data.length; i++) {
    const v = m.data[i];
    if (v !== 0 && v !== 1) throw new Error(`${where}: mask is not binary (value ${v} at pixel ${i}); expected 0/1`);
  }
}

export function maskArea(m: Mask): number {
  let n = 0;
  for (let i = 0; i < m.data.length; i++) n += m.data[i];
  return n;
}

/** Fraction of pixels inside the mask. */
export function maskRatio(m: Mask): number {
  return maskArea(m) / m.data.length;
}

/** Throws unless the mask has at least one pixel inside and one outside (distance maps need both). */
export function assertNonTrivialMask(m: Mask, where: string): void {
  assertBinaryMask(m, where);
  const area = maskArea(m);
  if (area === 0) throw new Error(`${where}: mask is empty (no pixel is 1)`);
  if (area === m.data.length) throw new Error(`${where}: mask is full (every pixel is 1)`);
}

/** Binary mask from a one-channel raster or float array: value > threshold -> 1. Rejects non-binary input
 *  unless `threshold` is given explicitly (so a soft mask is never binarised by accident). */
export function maskFromRaster(r: Raster, threshold?: number): Mask {
  assertRaster(r, 'maskFromRaster', 1);
  const m = createMask(r.height, r.width);
  for (let i = 0; i < m.data.length; i++) {
    const v = r.data[i];
    if (threshold === undefined) {
      if (v !== 0 && v !== 1)
        throw new Error(`maskFromRaster: value ${v} at pixel ${i} is not 0 or 1 (pass a threshold to binarise)`);
      m.data[i] = v;
    } else {
      m.data[i] = v > threshold ? 1 : 0;
    }
  }
  return m;
}

export function rasterFromMask(m: Mask): Raster {
  const r = createRaster(m.height, m.width, 1);
  for (let i = 0; i < m.data.length; i++) r.data[i] = m.data[i];
  return r;
}

export function invertMask(m: Mask): Mask {
  const out = createMask(m.height, m.width);
  for (let i = 0; i < m.data.length; i++) out.data[i] = 1 - m.data[i];
  return out;
}

/** What every inpainter (classical and learned) takes: a finite [0, 1] raster and a binary mask of its size that is
 *  neither empty (nothing to inpaint) nor full (nothing to inpaint from). */
export function checkInpaintInput(image: Raster, mask: Mask, where: string): void {
  assertRaster(image, where);
  assertBinaryMask(mask, where, image.height, image.width);
  for (let k = 0; k < image.data.length; k++) {
    const v = image.data[k];
    if (!(v >= 0 && v <= 1)) throw new Error(`${where}: pixel values must lie in [0, 1]; found ${v} at index ${k}`);
  }
  const area = maskArea(mask);
  if (area === 0) throw new Error(`${where}: mask is empty (no pixel is 1): there is nothing to inpaint`);
  if (area === mask.data.length)
    throw new Error(`${where}: mask is full (every pixel is 1): there is no known pixel to inpaint from`);
}
