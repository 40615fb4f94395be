// Pictures as PNGs: what the notebooks show and figures/ keeps. A Picture is a tf tensor [H, W, 1 | 3] with values in
// [0, 1], a Raster (lib/image/raster.ts), a binary Mask (black 0 / white 1), or a pasted-object Sprite
// (lib/data/paste.ts, shown on white outside its mask); rasters and masks are read directly, so notebooks can show
// pixel data without making tensors. A row of pictures with optional captions is one PNG; rows of rows stack into a
// table (e.g. one row per mask-ratio bucket). maskOverlay and maskChange draw masks: one tinted over its image, and
// the change between two (what a dilation adds, what an erosion removes).
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { type Mask, type Raster, assertBinaryMask, assertRaster } from '../image/raster';
import type { Sprite } from '../data/paste';

export type Picture = tf.Tensor | Raster | Mask | Sprite;

export interface RgbBytes {
  height: number;
  width: number;
  bytes: Buffer; // [H * W * 3] 8-bit RGB
}

function toByte(v: number, index: number): number {
  if (Number.isNaN(v)) throw new Error(`image ${index}: contains NaN`);
  return Math.round(Math.min(1, Math.max(0, v)) * 255);
}

// values: HWC floats in [0, 1] with 1 or 3 channels; `inside(p)` false paints pixel p white (sprites).
function rgbFromValues(
  values: ArrayLike<number>,
  height: number,
  width: number,
  channels: number,
  index: number,
  inside: (p: number) => boolean = () => true,
): RgbBytes {
  if (height < 1 || width < 1) throw new Error(`image ${index}: empty size ${height}x${width}`);
  if (values.length !== height * width * channels) {
    throw new Error(`image ${index}: ${values.length} values for ${height}x${width}x${channels}`);
  }
  const bytes = Buffer.alloc(height * width * 3);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < 3; c++) {
      bytes[p * 3 + c] = inside(p) ? toByte(values[p * channels + (channels === 1 ? 0 : c)], index) : 255;
    }
  }
  return { height, width, bytes };
}

export async function pictureRgb(picture: Picture, index: number): Promise<RgbBytes> {
  if (picture instanceof tf.Tensor) {
    if (picture.rank !== 3 || (picture.shape[2] !== 1 && picture.shape[2] !== 3)) {
      throw new Error(`image ${index}: expected shape [H, W, 1] or [H, W, 3], got [${picture.shape.join(', ')}]`);
    }
    const [height, width, channels] = picture.shape as [number, number, number];
    if (height === 0 || width === 0) throw new Error(`image ${index}: empty shape [${picture.shape.join(', ')}]`);
    return rgbFromValues(await picture.data(), height, width, channels, index);
  }
  if ('rgb' in picture) {
    const sprite = picture;
    return rgbFromValues(sprite.rgb, sprite.height, sprite.width, 3, index, (p) => sprite.mask[p] === 1);
  }
  if ('channels' in picture) {
    if (picture.channels !== 1 && picture.channels !== 3) {
      throw new Error(`image ${index}: a raster to show needs 1 or 3 channels, got ${picture.channels}`);
    }
    return rgbFromValues(picture.data, picture.height, picture.width, picture.channels, index);
  }
  const mask = picture;
  for (let p = 0; p < mask.data.length; p++) {
    if (mask.data[p] > 1) throw new Error(`image ${index}: mask is not binary (value ${mask.data[p]} at pixel ${p})`);
  }
  return rgbFromValues(mask.data, mask.height, mask.width, 1, index);
}

export type Rgb = [number, number, number];

/** `image` [H, W, 3] with `colour` blended in at `opacity` where mask = 1. */
export function maskOverlay(image: Raster, mask: Mask, colour: Rgb = [1, 0, 0], opacity = 0.5): Raster {
  assertRaster(image, 'maskOverlay', 3);
  assertBinaryMask(mask, 'maskOverlay', image.height, image.width);
  if (!(opacity >= 0 && opacity <= 1)) throw new Error(`maskOverlay: opacity must be in [0, 1], got ${opacity}`);
  const data = image.data.slice();
  for (let p = 0; p < mask.data.length; p++) {
    if (!mask.data[p]) continue;
    for (let c = 0; c < 3; c++) data[3 * p + c] = (1 - opacity) * data[3 * p + c] + opacity * colour[c];
  }
  return { height: image.height, width: image.width, channels: 3, data };
}

export const MASK_CHANGE_COLOURS: Record<'kept' | 'added' | 'removed' | 'outside', Rgb> = {
  kept: [1, 1, 1], // in both masks
  added: [1, 0.45, 0], // only in `changed` (dilation)
  removed: [0.2, 0.45, 1], // only in `reference` (erosion)
  outside: [0, 0, 0],
};

/** [H, W, 3] picture of `changed` against `reference`, coloured by MASK_CHANGE_COLOURS. */
export function maskChange(reference: Mask, changed: Mask): Raster {
  assertBinaryMask(reference, 'maskChange');
  assertBinaryMask(changed, 'maskChange', reference.height, reference.width);
  const data = new Float32Array(reference.data.length * 3);
  for (let p = 0; p < reference.data.length; p++) {
    const a = reference.data[p];
    const b = changed.data[p];
    const colour = MASK_CHANGE_COLOURS[a && b ? 'kept' : b ? 'added' : a ? 'removed' : 'outside'];
    data.set(colour, 3 * p);
  }
  return { height: reference.height, width: reference.width, channels: 3, data };
}

export interface ImageRowOptions {
  captions?: string[];
  scale?: number; // integer nearest-neighbour upscaling; default: enough to make the row ~128 px high
  gap?: number; // pixels between images
}

const CAPTION_HEIGHT = 18;

// The PNGs end up base64 in committed notebooks: the strongest zlib level with per-row filter choice makes them
// about a third smaller than sharp's default, for a few ms more.
export const COMPACT_PNG = { compressionLevel: 9, adaptiveFiltering: true } as const;

// Black text, cut to maxWidth x CAPTION_HEIGHT so that a long caption cannot overflow the canvas.
async function captionPng(text: string, maxWidth: number): Promise<Buffer> {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const markup = `<span foreground="black">${escaped}</span>`;
  const label = sharp({ text: { text: markup, font: 'sans 11', dpi: 72, rgba: true, wrap: 'none' } });
  const { width = 1, height = 1 } = await label
    .clone()
    .png()
    .toBuffer()
    .then((b) => sharp(b).metadata());
  return label
    .extract({ left: 0, top: 0, width: Math.min(width, maxWidth), height: Math.min(height, CAPTION_HEIGHT - 2) })
    .png()
    .toBuffer();
}

export async function imageRowPng(images: Picture[], opts: ImageRowOptions = {}): Promise<Buffer> {
  if (images.length === 0) throw new Error('imageRowPng: no images');
  const { captions, gap = 4 } = opts;
  if (captions && captions.length !== images.length) {
    throw new Error(`imageRowPng: ${captions.length} captions for ${images.length} images`);
  }
  const rgb = await Promise.all(images.map((im, i) => pictureRgb(im, i)));
  const maxHeight = Math.max(...rgb.map((im) => im.height));
  const scale = opts.scale ?? Math.max(1, Math.round(128 / maxHeight));
  if (!Number.isInteger(scale) || scale < 1)
    throw new Error(`imageRowPng: scale must be a positive integer, got ${scale}`);

  const captionHeight = captions ? CAPTION_HEIGHT : 0;
  const tiles: sharp.OverlayOptions[] = [];
  let left = 0;
  for (let i = 0; i < rgb.length; i++) {
    const { bytes, height, width } = rgb[i];
    const tile = await sharp(bytes, { raw: { width, height, channels: 3 } })
      .resize(width * scale, height * scale, { kernel: 'nearest' })
      .png()
      .toBuffer();
    tiles.push({ input: tile, left, top: 0 });
    if (captions) {
      const label = await captionPng(captions[i], width * scale);
      const { width: labelWidth = 0 } = await sharp(label).metadata();
      tiles.push({
        input: label,
        left: left + Math.floor((width * scale - labelWidth) / 2),
        top: maxHeight * scale + 2,
      });
    }
    left += width * scale + gap;
  }
  const canvas = await sharp({
    create: {
      width: left - gap,
      height: maxHeight * scale + captionHeight,
      channels: 3,
      background: { r: 255, g: 255, b: 255 },
    },
  })
    .composite(tiles)
    .png()
    .toBuffer();
  return sharp(canvas).removeAlpha().png(COMPACT_PNG).toBuffer(); // composite adds an alpha channel; RGB is smaller
}

export interface ImageTableOptions {
  captions?: string[][]; // one array per row, one caption per image
  scale?: number | number[]; // nearest-neighbour upscaling, for all rows or per row; default per row ~128 px high
  gap?: number; // pixels between images and between rows
}

export async function imageTablePng(rows: Picture[][], opts: ImageTableOptions = {}): Promise<Buffer> {
  if (rows.length === 0) throw new Error('imageTablePng: no rows');
  const { captions, scale, gap = 4 } = opts;
  if (captions && captions.length !== rows.length)
    throw new Error(`imageTablePng: ${captions.length} caption rows for ${rows.length} rows`);
  if (Array.isArray(scale) && scale.length !== rows.length)
    throw new Error(`imageTablePng: ${scale.length} scales for ${rows.length} rows`);
  const pngs: Buffer[] = [];
  for (let r = 0; r < rows.length; r++) {
    try {
      pngs.push(
        await imageRowPng(rows[r], { captions: captions?.[r], scale: Array.isArray(scale) ? scale[r] : scale, gap }),
      );
    } catch (e) {
      throw new Error(`imageTablePng: row ${r}: ${(e as Error).message}`);
    }
  }
  const sizes = await Promise.all(pngs.map((png) => sharp(png).metadata()));
  const width = Math.max(...sizes.map((m) => m.width ?? 0));
  const tiles: sharp.OverlayOptions[] = [];
  let top = 0;
  for (let r = 0; r < pngs.length; r++) {
    tiles.push({ input: pngs[r], left: 0, top });
    top += (sizes[r].height ?? 0) + gap;
  }
  const canvas = await sharp({
    create: { width, height: top - gap, channels: 3, background: { r: 255, g: 255, b: 255 } },
  })
    .composite(tiles)
    .png()
    .toBuffer();
  return sharp(canvas).removeAlpha().png(COMPACT_PNG).toBuffer();
}
