// Contact sheets of the embedded dataset: each row is I | I_G | M_G | labels of I, for test-set items
// (balanced buckets, so rows cycle through 0-10, 10-20, 20-30, 30-40 %).
//   npx tsx scripts/contact-sheet.ts   -> figures/contact_sheet_64.png, figures/contact_sheet_256.png (procedural),
//                                         figures/contact_sheet_photos_64.png (photo backgrounds from data/backgrounds,
//                                         when scripts/import-backgrounds.sh has been run)
import * as path from 'node:path';
import { makeTriplet } from '../lib/data/triplets';
import { labelsToRaster } from '../lib/data/labels';
import { loadBackgrounds } from '../lib/data/backgrounds';
import { rasterFromMask, type Raster } from '../lib/image/raster';
import { tileRasters } from '../lib/image/tile';
import { writeImage } from '../lib/image/io';
import { resize } from '../lib/image/resize';

const gray3 = (r: Raster): Raster => {
  const data = new Float32Array(r.height * r.width * 3);
  for (let i = 0; i < r.height * r.width; i++) data[3 * i] = data[3 * i + 1] = data[3 * i + 2] = r.data[i];
  return { height: r.height, width: r.width, channels: 3, data };
};

async function sheet(
  size: number,
  rows: number,
  seed: number,
  displaySize: number,
  file: string,
  photos: Raster[] = [],
): Promise<void> {
  const cells: Raster[] = [];
  for (let i = 0; i < rows; i++) {
    const t = makeTriplet(seed, i, {
      height: size,
      width: size,
      split: 'test',
      scene: { photos, photoProbability: 1 },
    });
    for (const r of [t.image, t.background, gray3(rasterFromMask(t.mask)), labelsToRaster(t.labels)])
      cells.push(resize(r, displaySize, displaySize));
  }
  // two triplets side by side per row
  const reordered: Raster[] = [];
  for (let i = 0; i < rows; i += 2)
    for (const k of [i, i + 1]) if (k < rows) reordered.push(...cells.slice(4 * k, 4 * k + 4));
  await writeImage(file, tileRasters(reordered, 8, 3));
  console.log(`wrote ${file}`);
}

(async () => {
  const out = path.join(__dirname, '..', 'figures');
  await sheet(64, 16, 2024, 96, path.join(out, 'contact_sheet_64.png'));
  await sheet(256, 8, 2024, 160, path.join(out, 'contact_sheet_256.png'));
  // photos are loaded at 256 px so that the random crop in the scene generator downsamples, never upsamples
  const photos = await loadBackgrounds(path.join(__dirname, '..', 'data', 'backgrounds'), 256);
  if (photos.length > 0) await sheet(64, 8, 2024, 96, path.join(out, 'contact_sheet_photos_64.png'), photos);
})();
