// The two PSNR/SSIM protocols, and one named SSIM variant. The paper does not state its own protocol; `paper` is the
// likeliest one (the authors' lab code copies EdgeConnect's scripts/metrics.py), `common` is the usual one (Wang et
// al. 2004, LaMa). `paper-scaled` is `paper` with the SSIM window scaled to the image size (see its definition).
// All are checked against scikit-image on fixtures (test/evalPsnrSsim.test.ts).
import { type Mask, type Raster, assertRaster } from '../image/raster';
import { grayscale64 } from '../image/grayscale';

export type MetricProtocolName = 'paper' | 'paper-scaled' | 'common';

export interface SsimSettings {
  window: 'gaussian' | 'uniform';
  winSize: number; // uniform: side of the square window; gaussian: 2 * round(3.5 sigma) + 1 (skimage's truncate 3.5)
  referenceSide?: number; // set: winSize is the side at images of this side, scaled to other sizes (ssimSettingsAt)
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

const PAPER_SSIM: SsimSettings = {
  window: 'uniform',
  winSize: 51,
  sigma: 0,
  sampleCovariance: true,
  K1: 0.01,
  K2: 0.03,
  dataRange: 1,
};

export const METRIC_PROTOCOLS: Record<MetricProtocolName, MetricProtocol> = {
  // EdgeConnect scripts/metrics.py: rgb2gray(img / 255); compare_psnr(gt, pred, data_range=1);
  // compare_ssim(gt, pred, data_range=1, win_size=51) -> uniform 51x51 window, sample covariance, K1 0.01, K2 0.03.
  paper: {
    name: 'paper',
    colour: 'gray',
    psnrDataRange: 1,
    ssim: PAPER_SSIM,
  },
  // `paper` with the uniform window scaled with the image: 51 px at 256x256 (the paper's size, where `paper` is
  // exact), 51 * R / 256 rounded to the nearest odd integer at R px (13 at 64 px, 25 at 128). Why: at 64 px the
  // 51x51 window spans 80 % of the image's side (64 % of its area; 4 % at 256 px), so every SSIM value compares the
  // statistics of most of the image instead of local structure, and skimage averages the map only where the whole
  // window fits (a 25-px crop on every border): over 14x14 of the 64x64 positions. The scaled window keeps the
  // share of the image the paper's had at 256 px (13x13, 52x52 positions averaged at 64 px). It does not change how
  // little holes near the border count: the averaged windows cover a pixel less the nearer it is to a border, over
  // a ring of min(w, R - w + 1) - 1 px (13 px for 51 at 64 px, 12 for 13 at 64, 50 for 51 at 256: a fifth of the
  // side each time), and a 4x4 hole in a corner of a 64-px noise texture moves SSIM by 2-6 % of what it does at the
  // centre under either (test/evalPsnrSsim.test.ts). A named variant beside `paper`, never instead of it: headline
  // numbers stay under `paper`. SSIM only (its PSNR is `paper`'s); every run that scores SSIM under `paper` scores it
  // under this too (SSIM_COMPANION, lib/eval/experiment.ts).
  'paper-scaled': {
    name: 'paper-scaled',
    colour: 'gray',
    psnrDataRange: 1,
    ssim: { ...PAPER_SSIM, referenceSide: 256 },
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
  if (!p) throw new Error(`unknown metric protocol '${name}' (expected ${Object.keys(METRIC_PROTOCOLS).join(', ')})`);
  return p;
}

/** SSIM scored beside SSIM under another protocol, wherever that one is: SSIM under `paper` comes with
 *  `paper-scaled`'s. */
export const SSIM_COMPANION: Partial<Record<MetricProtocolName, MetricProtocolName>> = { paper: 'paper-scaled' };

/** The settings for an image of height x width: `s` itself, or with `referenceSide` set, `s` with the window
 *  scaled to the image, winSize * R / referenceSide rounded to the nearest odd integer (a tie rounds up),
 *  R = the image's shorter side. */
export function ssimSettingsAt(s: SsimSettings, height: number, width: number): SsimSettings {
  if (s.referenceSide === undefined) return s;
  const { referenceSide, ...rest } = s;
  const winSize = 2 * Math.round(((s.winSize * Math.min(height, width)) / referenceSide - 1) / 2) + 1;
  if (winSize < 3)
    throw new Error(`ssimSettingsAt: a ${height}x${width} image scales the SSIM window to ${winSize} px (below 3)`);
  return { ...rest, winSize };
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
