// A row of images (tensors [H, W, 1 | 3] with values in [0, 1], rasters, masks, sprites: lib/viz/picture.ts)
// with optional captions, as one PNG, shown inline in tslab notebooks.
import sharp from 'sharp';
import { displayBundle } from './displayBundle';
import { Picture, pictureRgb } from './picture';

export interface ImageRowOptions {
  captions?: string[];
  scale?: number;   // integer nearest-neighbour upscaling; default: enough to make the row ~128 px high
  gap?: number;     // pixels between images
}

const CAPTION_HEIGHT = 18;

// The PNGs end up base64 in committed notebooks: the strongest zlib level with per-row filter choice makes them
// about a third smaller than sharp's default, for a few ms more.
export const COMPACT_PNG = { compressionLevel: 9, adaptiveFiltering: true } as const;

// Black text, cut to maxWidth x CAPTION_HEIGHT so that a long caption cannot overflow the canvas.
async function captionPng(text: string, maxWidth: number): Promise<Buffer> {
  const markup = `<span foreground="black">${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</span>`;
  const label = sharp({ text: { text: markup, font: 'sans 11', dpi: 72, rgba: true, wrap: 'none' } });
  const { width = 1, height = 1 } = await label.clone().png().toBuffer().then((b) => sharp(b).metadata());
  return label.extract({ left: 0, top: 0, width: Math.min(width, maxWidth), height: Math.min(height, CAPTION_HEIGHT - 2) }).png().toBuffer();
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
  return sharp(canvas).removeAlpha().png(COMPACT_PNG).toBuffer(); // composite adds an alpha channel; RGB is smaller

}

export async function showImages(images: Picture[], opts: ImageRowOptions = {}): Promise<void> {
  const png = await imageRowPng(images, opts);
  displayBundle({ 'image/png': png.toString('base64'), 'text/plain': `<${images.length} image(s)${opts.captions ? ': ' + opts.captions.join(', ') : ''}>` });
}
