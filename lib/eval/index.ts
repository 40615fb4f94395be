// Evaluation metrics. PSNR / SSIM follow a named protocol ('paper' = EdgeConnect's grayscale, uniform 51x51 SSIM;
// 'common' = RGB, 11x11 Gaussian SSIM); the network scores are LPIPS-like / FID-like on nsfwjs's InceptionV3 and
// are not comparable to published LPIPS / FID. Every result names its metric, protocol and region.
export { psnr } from './psnr';
export { ssim } from './ssim';
export { METRIC_PROTOCOLS } from './protocol';
export type { MetricProtocolName, ScoreOptions } from './protocol';
export { lpipsLikeInception, lpipsLikeInceptionPairs, LPIPS_LIKE_LAYERS } from './lpipsLike';
export type { InceptionMetricOptions } from './inception';
export { fidLikeInception, inceptionPoolFeatures, FID_LIKE_LAYER } from './fidLike';
export { frechetDistance, frechetDistanceOfFeatures, gaussianStats } from './frechet';
export { loadInceptionV3Nsfwjs, INCEPTION_INPUT_SIZE } from './inception';
export { METRIC_LABELS, metricLabel } from './result';
export type { MetricName, MetricRegion, MetricResult } from './result';
export type { MetricImage } from './metricInput';
