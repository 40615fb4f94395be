// The trivial baseline: every hole pixel gets the mean colour of the known pixels (per channel). Any inpainter
// worth training has to beat it by a wide margin.
import { type Mask, type Raster, checkInpaintInput } from '../image/raster';

export function inpaintMeanFill(image: Raster, mask: Mask): Raster {
  checkInpaintInput(image, mask, 'inpaintMeanFill');
  const C = image.channels;
  const n = image.height * image.width;
  const sum = new Float64Array(C);
  let known = 0;
  for (let p = 0; p < n; p++) {
    if (mask.data[p]) continue;
    known++;
    for (let c = 0; c < C; c++) sum[c] += image.data[p * C + c];
  }
  const out: Raster = { height: image.height, width: image.width, channels: C, data: Float32Array.from(image.data) };
  for (let p = 0; p < n; p++) {
    if (!mask.data[p]) continue;
    for (let c = 0; c < C; c++) out.data[p * C + c] = sum[c] / known;
  }
  return out;
}
