// Read and write PNG / JPEG (and what else sharp decodes: WebP, TIFF, GIF's first frame) with sharp. Images become
// Rasters (HWC float in [0, 1]); masks are stored as single-channel 0/255 PNGs. Writes are atomic (temp file in the
// same folder, then rename).
// What the readers accept:
//   readImage       8- or 16-bit, grey, grey + alpha, RGB or RGBA; alpha is dropped; 16-bit values keep their
//                   precision (v / 65535).
//   readImageBytes  the same, as 8-bit bytes: a 16-bit image is rounded to 8 bits (v / 257), which the caller
//                   asked for.
//   readMask        8- or 16-bit; a pixel's value is its alpha when the image has an alpha channel that is not
//                   opaque everywhere (an alpha-only mask), else the largest of its colour channels (white, green or
//                   any colour on black). A mask whose values are all 0 or 1 is a 0/1 mask, threshold or not.
//                   Otherwise, without a threshold every value must be 0 or the largest (255 / 65535); with a
//                   threshold t in [0, 255), on = value > t on the 0..255 scale.
import sharp from 'sharp';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Raster, type Mask, assertRaster, assertBinaryMask, createMask } from './raster';
import { writeFileAtomic } from '../io/atomicWrite';
import { luma } from './grayscale';

/** Raw 8-bit pixels as decoded, HWC. */
export interface ImageBytes {
  height: number;
  width: number;
  channels: number;
  data: Uint8Array;
}

/** Decoded pixels at the file's own depth: 8-bit as sharp gives them, 16-bit as RGB(A) 16-bit. */
interface Pixels {
  height: number;
  width: number;
  channels: number;
  hasAlpha: boolean;
  data: Uint8Array | Uint16Array;
  /** the largest value: 255 or 65535 */
  max: number;
}

async function readPixels(file: string, reader: string): Promise<Pixels> {
  if (!fs.existsSync(file)) throw new Error(`${reader}: file not found: ${file}`);
  if (fs.statSync(file).isDirectory()) throw new Error(`${reader}: ${file} is a folder, not an image`);
  try {
    const meta = await sharp(file).metadata();
    const wide = meta.depth === 'ushort';
    if (meta.depth && !wide && meta.depth !== 'uchar')
      throw new Error(`${meta.depth} samples are not supported (8- or 16-bit only)`);
    const pipeline = wide ? sharp(file).toColourspace('rgb16').raw({ depth: 'ushort' }) : sharp(file).raw();
    const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
    const values = wide
      ? new Uint16Array(data.buffer, data.byteOffset, data.length / 2)
      : new Uint8Array(data.buffer, data.byteOffset, data.length);
    if (values.length !== info.height * info.width * info.channels) {
      throw new Error(`${values.length} samples for ${info.height}x${info.width}x${info.channels}`);
    }
    return {
      height: info.height,
      width: info.width,
      channels: info.channels,
      hasAlpha: info.channels === 2 || info.channels === 4,
      data: values,
      max: wide ? 65535 : 255,
    };
  } catch (e) {
    throw new Error(`${reader}: cannot decode ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
}

export async function readImageBytes(file: string): Promise<ImageBytes> {
  const px = await readPixels(file, 'readImage');
  const data = px.max === 255 ? (px.data as Uint8Array) : Uint8Array.from(px.data, (v) => Math.round(v / 257));
  return { height: px.height, width: px.width, channels: px.channels, data };
}

/** Read an image as RGB (channels = 3, default) or grayscale (channels = 1). Alpha is dropped. */
export async function readImage(file: string, channels: 1 | 3 = 3): Promise<Raster> {
  const px = await readPixels(file, 'readImage');
  return pixelsToRaster(px.data, px.height, px.width, px.channels, px.max, channels);
}

export function bytesToRaster(img: ImageBytes, channels: 1 | 3 = 3): Raster {
  return pixelsToRaster(img.data, img.height, img.width, img.channels, 255, channels);
}

function pixelsToRaster(
  px: ArrayLike<number>,
  height: number,
  width: number,
  c: number,
  max: number,
  channels: 1 | 3,
): Raster {
  const n = height * width;
  const out: Raster = { height, width, channels, data: new Float32Array(n * channels) };
  const hasColour = c >= 3;
  for (let i = 0; i < n; i++) {
    const r = px[i * c] / max;
    const g = hasColour ? px[i * c + 1] / max : r;
    const b = hasColour ? px[i * c + 2] / max : r;
    if (channels === 3) {
      out.data[i * 3] = r;
      out.data[i * 3 + 1] = g;
      out.data[i * 3 + 2] = b;
    } else {
      out.data[i] = hasColour ? luma(r, g, b) : r;
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

/** Encode bytes as PNG, JPEG or lossless WebP (chosen by the file extension) and write atomically. */
export async function writeImageBytes(file: string, img: ImageBytes, jpegQuality = 92): Promise<void> {
  const ext = path.extname(file).toLowerCase();
  const pipeline = sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), {
    raw: { width: img.width, height: img.height, channels: img.channels as 1 | 2 | 3 | 4 },
  });
  let buf: Buffer;
  if (ext === '.png') buf = await pipeline.png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer();
  else if (ext === '.jpg' || ext === '.jpeg')
    buf = await pipeline.jpeg({ quality: jpegQuality, chromaSubsampling: '4:4:4' }).toBuffer();
  else if (ext === '.webp') buf = await pipeline.webp({ lossless: true }).toBuffer();
  else throw new Error(`writeImage: unsupported extension "${ext}" for ${file} (use .png, .jpg, .jpeg or .webp)`);
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

/** Read a mask (what is accepted: the header of this file). */
export async function readMask(file: string, threshold?: number): Promise<Mask> {
  if (threshold !== undefined && !(Number.isFinite(threshold) && threshold >= 0 && threshold < 255)) {
    throw new Error(`readMask: the threshold must be a number in [0, 255), got ${threshold}`);
  }
  const px = await readPixels(file, 'readMask');
  const c = px.channels;
  const colours = px.hasAlpha ? c - 1 : c;
  let alphaOnly = false;
  if (px.hasAlpha) for (let i = c - 1; i < px.data.length && !alphaOnly; i += c) alphaOnly = px.data[i] !== px.max;
  const values = new Uint16Array(px.height * px.width);
  for (let i = 0; i < values.length; i++) {
    if (alphaOnly) values[i] = px.data[i * c + c - 1];
    else for (let k = 0; k < colours; k++) values[i] = Math.max(values[i], px.data[i * c + k]);
  }
  const zeroOne = values.every((v) => v <= 1);
  const m = createMask(px.height, px.width);
  for (let i = 0; i < m.data.length; i++) {
    const v = values[i];
    if (zeroOne) m.data[i] = v;
    else if (threshold !== undefined) m.data[i] = (v * 255) / px.max > threshold ? 1 : 0;
    else if (v === 0) m.data[i] = 0;
    else if (v === px.max) m.data[i] = 1;
    else {
      throw new Error(
        `readMask: ${file} is not a binary mask (value ${v} of ${px.max} at pixel ` +
          `${i}${alphaOnly ? ', alpha' : ''}); ` +
          'pass a threshold to binarise',
      );
    }
  }
  return m;
}
