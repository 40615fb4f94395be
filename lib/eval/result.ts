// What every metric returns: the number plus the names needed to read it correctly (which metric, which
// protocol, which region), so a table built from results can never mix protocols silently.

export type MetricName = 'psnr' | 'ssim' | 'lpipsLikeInception' | 'fidLikeInception';

/** 'whole-image' is what the paper reports; 'masked-region' scores only the pixels inside a mask. */
export type MetricRegion = 'whole-image' | 'masked-region';

export interface MetricResult {
  metric: MetricName;
  // 'paper' | 'common' for PSNR/SSIM and 'paper-scaled' for SSIM (lib/eval/protocol.ts);
  // 'inceptionV3-nsfwjs@<input size>' for the network metrics
  protocol: string;
  region: MetricRegion;
  value: number;
}

/** Display labels. The network scores are named for what they are: they use nsfwjs's InceptionV3 (fine-tuned for
 *  NSFW classification, 8-bit quantised weights), not AlexNet-LPIPS or the pytorch-fid Inception, and are NOT
 *  comparable to published LPIPS / FID numbers. */
export const METRIC_LABELS: Record<MetricName, string> = {
  psnr: 'PSNR (dB)',
  ssim: 'SSIM',
  lpipsLikeInception: 'LPIPS-like (InceptionV3-nsfwjs, unweighted)',
  fidLikeInception: 'FID-like (InceptionV3-nsfwjs pool features)',
};

/** A label that also names the protocol and region, e.g. "SSIM [paper, masked-region]". */
export function metricLabel(r: MetricResult): string {
  return `${METRIC_LABELS[r.metric]} [${r.protocol}, ${r.region}]`;
}
