// Paper Fig. 3: what alpha asks of the mask. L_X = ∫ (φ − α) m̂ (Eq. 9, φ the signed distance to m_G's boundary
// normalised by its largest magnitude, lib/image/distance.ts) rewards every pixel with φ < α and penalises the rest,
// so on its own it trains the mask {φ < α}: m_G dilated by α times the normalisation scale. Row 1: φ − α per
// alpha (red > 0, penalised; blue < 0, rewarded; saturated at ±0.1); row 2: that mask against m_G (white kept,
// orange added). The masks the joint runs actually learned are measured in Table IV (lib/eval/table4.ts: mean
// dilation per arm), whose numbers the captions carry when given.
import type { Mask, Raster } from '../image/raster';
import { normalizedSignedDistance } from '../image/distance';
import { thresholdSignedDistance } from '../image/morphology';
import { maskChange } from '../viz/images';
import { type PicturePanel, picturePanel } from '../viz/panel';

export const FIG3_ALPHAS = [0.01, 0.03, 0.05, 0.07];

/** φ − α as a diverging colour raster: red for > 0, blue for < 0, white at 0, saturating at |φ − α| = `range`
 *  (0.1: the alphas differ by hundredths, so the white line where φ = α moves visibly). */
export function divergingPicture(map: Raster, shift: number, range = 0.1): Raster {
  const data = new Float32Array(map.data.length * 3);
  map.data.forEach((v, p) => {
    const t = Math.max(-1, Math.min(1, (v - shift) / range));
    data.set(t > 0 ? [1, 1 - t, 1 - t] : [1 + t, 1 + t, 1], p * 3);
  });
  return { height: map.height, width: map.width, channels: 3, data };
}

/** Fig. 3 for one object mask; `learned` (alpha -> mean dilation in px measured in Table IV) goes into the captions. */
export function fig3Panel(maskGT: Mask, learned: Map<number, number> = new Map(), name = 'fig3_alpha'): PicturePanel {
  const { map, scale } = normalizedSignedDistance(maskGT);
  const rows = [
    FIG3_ALPHAS.map((a) => divergingPicture(map, a)),
    FIG3_ALPHAS.map((a) => maskChange(maskGT, thresholdSignedDistance(maskGT, a * scale))),
  ];
  const captions = [
    FIG3_ALPHAS.map((a) => `φ − ${a}`),
    FIG3_ALPHAS.map(
      (a) =>
        `{φ < ${a}}: +${(a * scale).toFixed(1)} px` +
        (learned.has(a) ? `; learned ${learned.get(a)!.toFixed(2)} px` : ''),
    ),
  ];
  return picturePanel(name, rows, captions, [`normalisation scale ${scale.toFixed(1)} px`]);
}
