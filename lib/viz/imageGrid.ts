// A row of [H, W, C] float images (values in [0, 1], C = 1 or 3) with optional captions, as one PNG,
// shown inline in tslab notebooks.
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { displayBundle } from './displayBundle';

export interface ImageRowOptions {
  captions?: string[];
  scale?: number;   // integer nearest-neighbour upscaling; default: enough to make the row ~128 px high
  gap?: number;     // pixels between images
}

const CAPTION_HEIGHT = 18;

// [H, W, C] floats -> 8-bit RGB bytes, H*W*3
async function toRgbBytes(image: tf.Tensor, index: number): Promise<{ bytes: Buffer; height: number; width: number }> {
  if (image.rank !== 3 || (image.shape[2] !== 1 && image.shape[2] !== 3)) {
    throw new Error(`image ${index}: expected shape [H, W, 1] or [H, W, 3], got [${image.shape.join(', ')}]`);
  }
  const [height, width, channels] = image.shape as [number, number, number];
  if (height === 0 || width === 0) throw new Error(`image ${index}: empty shape [${image.shape.join(', ')}]`);
  const values = await image.data();
  const bytes = Buffer.alloc(height * width * 3);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < 3; c++) {
      const v = values[p * channels + (channels === 1 ? 0 : c)];
      if (Number.isNaN(v)) throw new Error(`image ${index}: contains NaN`);
      bytes[p * 3 + c] = Math.round(Math.min(1, Math.max(0, v)) * 255);
    }
  }
  return { bytes, height, width };
}

// Black text, cut to maxWidth x CAPTION_HEIGHT so that a long caption cannot overflow the canvas.
async function captionPng(text: string, maxWidth: number): Promise<Buffer> {
  const markup = `<span foreground="black">${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</span>`;
  const label = sharp({ text: { text: markup, font: 'sans 11', dpi: 72, rgba: true, wrap: 'none' } });
  const { width = 1, height = 1 } = await label.clone().png().toBuffer().then((b) => sharp(b).metadata());
  return label.extract({ left: 0, top: 0, width: Math.min(width, maxWidth), height: Math.min(height, CAPTION_HEIGHT - 2) }).png().toBuffer();
}

export async function imageRowPng(images: tf.Tensor[], opts: ImageRowOptions = {}): Promise<Buffer> {
  if (images.length === 0) throw new Error('imageRowPng: no images');
  const { captions, gap = 4 } = opts;
  if (captions && captions.length !== images.length) {
    throw new Error(`imageRowPng: ${captions.length} captions for ${images.length} images`);
  }
  const rgb = await Promise.all(images.map((im, i) => toRgbBytes(im, i)));
  const maxHeight = Math.max(...rgb.map((im) => im.height));
  const scale = opts.scale ?? Math.max(1, Math.round(128 / maxHeight));
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`imageRowPng: scale must be a positive integer, got ${scale}`);

  const captionHeight = captions ? CAPTION_HEIGHT : 0;
  const tiles: sharp.OverlayOptions[] = [];
  let left = 0;
  for (let i = 0; i < rgb.length; i++) {
    const { bytes, height, width } = rgb[i];
    const tile = await sharp(bytes, { raw: { width, height, channels: 3 } })
      .resize(width * scale, height * scale, { kernel: 'nearest' }).png().toBuffer();
    tiles.push({ input: tile, left, top: 0 });
    if (captions) {
      const label = await captionPng(captions[i], width * scale);
      const { width: labelWidth = 0 } = await sharp(label).metadata();
      tiles.push({ input: label, left: left + Math.floor((width * scale - labelWidth) / 2), top: maxHeight * scale + 2 });
    }
    left += width * scale + gap;
  }
  const canvas = await sharp({ create: { width: left - gap, height: maxHeight * scale + captionHeight, channels: 3, background: { r: 255, g: 255, b: 255 } } })
    .composite(tiles).png().toBuffer();
  return sharp(canvas).removeAlpha().png().toBuffer(); // composite adds an alpha channel; RGB is smaller

}

export async function showImages(images: tf.Tensor[], opts: ImageRowOptions = {}): Promise<void> {
  const png = await imageRowPng(images, opts);
  displayBundle({ 'image/png': png.toString('base64'), 'text/plain': `<${images.length} image(s)${opts.captions ? ': ' + opts.captions.join(', ') : ''}>` });
}
