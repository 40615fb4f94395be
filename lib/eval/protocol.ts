// The two PSNR/SSIM protocols. The paper does not state its own; `paper` is the likeliest one (the authors' lab
// code copies EdgeConnect's scripts/metrics.py), `common` is the usual one (Wang et al. 2004, LaMa). Both are
// checked against scikit-image on fixtures (test/evalPsnrSsim.test.ts).
import { type Mask, type Raster, assertRaster } from '../image/raster';
import { grayscale64 } from '../image/grayscale';

export type MetricProtocolName = 'paper' | 'common';

export interface SsimSettings {
  window: 'gaussian' | 'uniform';
  winSize: number; // uniform: side of the square window; gaussian: 2 * round(3.5 sigma) + 1 (skimage's truncate 3.5)
  sigma: number; // Gaussian std in pixels (ignored for the uniform window)
  sampleCovariance: boolean; // true: (co)variances scaled by N/(N-1), N = winSize^2 (skimage's default)
  K1: number;
  K2: number;
  dataRange: number;
}

export interface MetricProtocol {
  name: MetricProtocolName;
  colour: 'gray' | 'rgb'; // gray: skimage rgb2gray, 0.2125 R + 0.7154 G + 0.0721 B (ITU-R BT.709 luma)
  psnrDataRange: number;
  ssim: SsimSettings;
}

export const METRIC_PROTOCOLS: Record<MetricProtocolName, MetricProtocol> = {
  // EdgeConnect scripts/metrics.py: rgb2gray(img / 255); compare_psnr(gt, pred, data_range=1);
  // compare_ssim(gt, pred, data_range=1, win_size=51) -> uniform 51x51 window, sample covariance, K1 0.01, K2 0.03.
  paper: {
    name: 'paper',
    colour: 'gray',
    psnrDataRange: 1,
    ssim: { window: 'uniform', winSize: 51, sigma: 0, sampleCovariance: true, K1: 0.01, K2: 0.03, dataRange: 1 },
  },
  // Wang et al. 2004 / skimage structural_similarity(channel_axis=-1, data_range=1, gaussian_weights=True,
  // sigma=1.5, use_sample_covariance=False): 11x11 Gaussian window, population covariance, mean over channels.
  common: {
    name: 'common',
    colour: 'rgb',
    psnrDataRange: 1,
    ssim: { window: 'gaussian', winSize: 11, sigma: 1.5, sampleCovariance: false, K1: 0.01, K2: 0.03, dataRange: 1 },
  },
};

export function metricProtocol(name: MetricProtocolName): MetricProtocol {
  const p = METRIC_PROTOCOLS[name];
  if (!p) throw new Error(`unknown metric protocol '${name}' (expected 'paper' or 'common')`);
  return p;
}

export interface ScoreOptions {
  protocol?: MetricProtocolName; // default 'common'
  mask?: Mask; // score only the pixels where mask = 1 (region 'masked-region')
}

/** The planes a protocol scores, in float64: one gray plane ('gray') or one plane per channel ('rgb').
 *  Each plane is [H * W], row-major. */
export function protocolPlanes(r: Raster, colour: MetricProtocol['colour']): Float64Array[] {
  assertRaster(r, 'protocolPlanes');
  const n = r.height * r.width;
  const C = r.channels;
  if (colour === 'gray') {
    if (C !== 3) throw new Error(`protocolPlanes: grayscale conversion needs an RGB image, got ${C} channel(s)`);
    return [grayscale64(r)]; // skimage rgb2gray: 0.2125 R + 0.7154 G + 0.0721 B, in float64
  }
  const planes: Float64Array[] = [];
  for (let c = 0; c < C; c++) {
    const p = new Float64Array(n);
    for (let i = 0; i < n; i++) p[i] = r.data[i * C + c];
    planes.push(p);
  }
  return planes;
}
