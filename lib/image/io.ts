// Read and write PNG / JPEG with sharp. Images become Rasters (HWC float in [0, 1]); masks are stored as
// single-channel 0/255 PNGs. Writes are atomic (temp file in the same folder, then rename).
import sharp from 'sharp';
import * as fs from 'fs';
import * as path from 'path';
import { Raster, Mask, assertRaster, assertBinaryMask, createMask } from './raster';
import { writeFileAtomic } from '../io/atomicWrite';

/** Raw 8-bit pixels as decoded, HWC. */
export interface ImageBytes {
  height: number;
  width: number;
  channels: number;
  data: Uint8Array;
}

export async function readImageBytes(file: string): Promise<ImageBytes> {
  if (!fs.existsSync(file)) throw new Error(`readImage: file not found: ${file}`);
  try {
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    if (data.length !== info.height * info.width * info.channels) {
      throw new Error(`only 8-bit images are supported (got ${data.length} bytes for ${info.height}x${info.width}x${info.channels})`);
    }
    return { height: info.height, width: info.width, channels: info.channels, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (e) {
    throw new Error(`readImage: cannot decode ${file}: ${(e as Error).message}`);
  }
}

/** Read an image as RGB (channels = 3, default) or grayscale (channels = 1). Alpha is dropped. */
export async function readImage(file: string, channels: 1 | 3 = 3): Promise<Raster> {
  const img = await readImageBytes(file);
  return bytesToRaster(img, channels);
}

export function bytesToRaster(img: ImageBytes, channels: 1 | 3 = 3): Raster {
  const { height, width } = img;
  const n = height * width;
  const out: Raster = { height, width, channels, data: new Float32Array(n * channels) };
  const c = img.channels;
  const hasColour = c >= 3;
  for (let i = 0; i < n; i++) {
    const r = img.data[i * c] / 255;
    const g = hasColour ? img.data[i * c + 1] / 255 : r;
    const b = hasColour ? img.data[i * c + 2] / 255 : r;
    if (channels === 3) {
      out.data[i * 3] = r;
      out.data[i * 3 + 1] = g;
      out.data[i * 3 + 2] = b;
    } else {
      // same luma weights as lib/image/grayscale (skimage rgb2gray)
      out.data[i] = hasColour ? 0.2125 * r + 0.7154 * g + 0.0721 * b : r;
    }
  }
  return out;
}

/** Quantise a [0, 1] raster to bytes (round half up, clamped). */
export function rasterToBytes(r: Raster): ImageBytes {
  assertRaster(r, 'rasterToBytes');
  if (r.channels !== 1 && r.channels !== 3 && r.channels !== 4) {
    throw new Error(`rasterToBytes: images have 1, 3 or 4 channels, got ${r.channels}`);
  }
  const data = new Uint8Array(r.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = r.data[i];
    data[i] = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
  }
  return { height: r.height, width: r.width, channels: r.channels, data };
}

/** Encode bytes as PNG or JPEG (chosen by the file extension) and write atomically. */
export async function writeImageBytes(file: string, img: ImageBytes, jpegQuality = 92): Promise<void> {
  const ext = path.extname(file).toLowerCase();
  const pipeline = sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), {
    raw: { width: img.width, height: img.height, channels: img.channels as 1 | 2 | 3 | 4 },
  });
  let buf: Buffer;
  if (ext === '.png') buf = await pipeline.png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer();
  else if (ext === '.jpg' || ext === '.jpeg') buf = await pipeline.jpeg({ quality: jpegQuality, chromaSubsampling: '4:4:4' }).toBuffer();
  else throw new Error(`writeImage: unsupported extension "${ext}" for ${file} (use .png, .jpg or .jpeg)`);
  writeFileAtomic(file, buf);
}

export async function writeImage(file: string, r: Raster, jpegQuality = 92): Promise<void> {
  await writeImageBytes(file, rasterToBytes(r), jpegQuality);
}

/** Mask as a one-channel PNG with values 0 / 255. */
export async function writeMask(file: string, m: Mask): Promise<void> {
  assertBinaryMask(m, `writeMask(${file})`);
  const data = new Uint8Array(m.data.length);
  for (let i = 0; i < data.length; i++) data[i] = m.data[i] * 255;
  await writeImageBytes(file, { height: m.height, width: m.width, channels: 1, data });
}

/** Read a mask stored as 0/255 (or 0/1). Any other value is an error unless `threshold` (0..255) is given. */
export async function readMask(file: string, threshold?: number): Promise<Mask> {
  const img = await readImageBytes(file);
  const m = createMask(img.height, img.width);
  const c = img.channels;
  for (let i = 0; i < m.data.length; i++) {
    const v = img.data[i * c];
    if (threshold !== undefined) m.data[i] = v > threshold ? 1 : 0;
    else if (v === 0) m.data[i] = 0;
    else if (v === 255 || v === 1) m.data[i] = 1;
    else throw new Error(`readMask: ${file} is not a binary mask (value ${v} at pixel ${i}); pass a threshold to binarise`);
  }
  return m;
}

