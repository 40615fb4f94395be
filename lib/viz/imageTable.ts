// Rows of images (each row laid out by imageRowPng, with its own captions) stacked into one PNG: e.g. one row
// per mask-ratio bucket, or one row per resolution. Rows are left-aligned on white.
import sharp from 'sharp';
import { displayBundle } from './displayBundle';
import { COMPACT_PNG, imageRowPng } from './imageGrid';
import { Picture } from './picture';

export interface ImageTableOptions {
  captions?: string[][]; // one array per row, one caption per image
  scale?: number | number[]; // nearest-neighbour upscaling, for all rows or per row; default per row ~128 px high
  gap?: number; // pixels between images and between rows
}

export async function imageTablePng(rows: Picture[][], opts: ImageTableOptions = {}): Promise<Buffer> {
  if (rows.length === 0) throw new Error('imageTablePng: no rows');
  const { captions, scale, gap = 4 } = opts;
  if (captions && captions.length !== rows.length) throw new Error(`imageTablePng: ${captions.length} caption rows for ${rows.length} rows`);
  if (Array.isArray(scale) && scale.length !== rows.length) throw new Error(`imageTablePng: ${scale.length} scales for ${rows.length} rows`);
  const pngs: Buffer[] = [];
  for (let r = 0; r < rows.length; r++) {
    try {
      pngs.push(await imageRowPng(rows[r], { captions: captions?.[r], scale: Array.isArray(scale) ? scale[r] : scale, gap }));
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
  const canvas = await sharp({ create: { width, height: top - gap, channels: 3, background: { r: 255, g: 255, b: 255 } } })
    .composite(tiles).png().toBuffer();
  return sharp(canvas).removeAlpha().png(COMPACT_PNG).toBuffer();
}

export async function showImageTable(rows: Picture[][], opts: ImageTableOptions = {}): Promise<void> {
  const png = await imageTablePng(rows, opts);
  displayBundle({ 'image/png': png.toString('base64'), 'text/plain': `<${rows.length} row(s) of images>` });
}
