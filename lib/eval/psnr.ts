// PSNR = 10 log10(dataRange^2 / MSE), as skimage.metrics.peak_signal_noise_ratio. protocol 'common': MSE over all
// RGB values; 'paper': over rgb2gray values (EdgeConnect). With a mask, the MSE runs over the mask's pixels only.
// Identical images give +Infinity (skimage does the same).
import { type MetricImage, checkedPair, checkedScoreMask } from './metricInput';
import { type ScoreOptions, metricProtocol, protocolPlanes } from './protocol';
import type { MetricResult } from './result';

export function psnr(a: MetricImage, b: MetricImage, opts: ScoreOptions = {}): MetricResult {
  const protocol = metricProtocol(opts.protocol ?? 'common');
  const [ra, rb] = checkedPair(a, b, 'psnr');
  const mask = opts.mask && checkedScoreMask(opts.mask, ra.height, ra.width, 'psnr');
  const xs = protocolPlanes(ra, protocol.colour);
  const ys = protocolPlanes(rb, protocol.colour);
  let sum = 0;
  let count = 0;
  for (let p = 0; p < xs.length; p++) {
    for (let i = 0; i < xs[p].length; i++) {
      if (mask && !mask.data[i]) continue;
      const d = xs[p][i] - ys[p][i];
      sum += d * d;
      count++;
    }
  }
  const value = 10 * Math.log10((protocol.psnrDataRange * protocol.psnrDataRange) / (sum / count));
  return { metric: 'psnr', protocol: protocol.name, region: mask ? 'masked-region' : 'whole-image', value };
}
