// The figures of notebooks/00_quickstart.ipynb: the method of paper Fig. 2 end to end with the shipped joint network
// (checkpoints/cpu/joint: MediaPipe's selfie segmenter and the edge, seg and image inpainters fine-tuned together
// under the mask expansion loss at alpha = 0.03, the 'ours' of Tables IV and V), on real photographs at its 64x64.
//   1. the pretrained person segmenter (lib/models/pretrainedSegmenter.ts) proposes segments: the connected
//      components of its person mask;
//   2. one is selected: by a user's point (Sec. III-E), or by m_G, the segment overlapping the known object mask most
//      (Sec. III-C, the automatic setting of the tables);
//   3. the joint network (lib/pipeline/jointRemoval.ts jointRemover, as the tables run it) takes the object's mask
//      (the selected segment, or m_G itself in the automatic setting): its fine-tuned segmenter picks the person
//      again, the mask M it learned to fill (expanded under MEL) is what its inpainters fill. Telea fills the same M.
// Scores are PSNR (paper protocol) against the true background I_G: vtest.avi's median plate inside the person of a
// vtest item, or the photograph of a photo-test item.
import { type Mask, type Raster, createRaster, maskArea } from '../image/raster';
import type { PanopticLabels } from '../data/labels';
import { openTestSet } from '../data/triplets';
import { psnr } from '../eval/psnr';
import { maskMetrics } from '../eval/maskMetrics';
import { testSetSpec } from '../eval/experiments';
import { CLASSICAL_INPAINTERS } from '../inpaint/inpainter';
import {
  type JointRemovalNetwork,
  jointRemover,
  loadJointRemovalNetwork,
  segmenterMask,
} from '../pipeline/jointRemoval';
import {
  type PersonSegments,
  type PretrainedSegmenter,
  loadPretrainedSegmenter,
  personSegments,
  segmentAtPoint,
} from '../models/pretrainedSegmenter';
import { readShippedManifest } from '../io/shippedWeights';
import { repoPath, repoRelative } from '../io/repoRoot';
import { maskChange } from './images';
import { type PicturePanel, picturePanel } from './panel';

/** The first figure: an item of the vtest test set (a 64x64 square of a vtest.avi test-range frame around a real
 *  pedestrian, no one pasted) and the user's point on the pedestrian, in its pixels. */
export const QUICKSTART_POINT = { testSet: 'vtest', item: 4, point: { x: 42, y: 37 } };
/** The photo-test items of the second figure (the automatic setting). */
export const QUICKSTART_ITEMS = [0, 1, 2, 3];
const PRESET = 'cpu';

export interface Quickstart {
  joint: JointRemovalNetwork;
  /** the pretrained segmenter, which proposes the segments (the joint network holds its own fine-tuned copy) */
  segmenter: PretrainedSegmenter;
  summary: string[];
}

/** The shipped joint network (checkpoints/cpu/joint) and the pretrained segmenter (data/models/selfie). */
export function openQuickstart(): Quickstart {
  const dir = repoPath('checkpoints', 'cpu', 'joint');
  const joint = loadJointRemovalNetwork(dir);
  const segmenter = loadPretrainedSegmenter();
  const { file, manifest: m } = readShippedManifest(dir);
  const mel = m.settings?.mel ? `MEL at alpha = ${m.settings.alpha}` : 'without MEL';
  const summary = [
    `joint network: ${repoRelative(file)} (${joint.size}x${joint.size}, float16): segmenter + edge, seg and image ` +
      `inpainters of ${m.source.checkpoint} (step ${m.source.step}, ${mel}, SHA-256 ${m.source.sha256.slice(0, 12)}...)`,
    'segmenter proposing the segments: MediaPipe selfie segmentation, ' +
      `${segmenter.params.trainableVariables().length} weight tensors (pretrained, not fine-tuned)`,
  ];
  return { joint, segmenter, summary };
}

/** How the object is chosen: a user's point on it, or its mask m_G (the automatic setting). */
export type Selector = { point: { x: number; y: number } } | { maskGT: Mask };

export interface PersonRemoval {
  /** the pretrained segmenter's segments of I */
  segments: PersonSegments;
  /** the segment the selector chose (empty if m_G overlaps no segment) */
  selected: Mask;
  /** M: the mask the joint network filled */
  mask: Mask;
  /** the joint network's output (I outside M) */
  output: Raster;
  /** Telea's fill of M (I where M is empty or covers the whole image: nothing to fill from) */
  telea: Raster;
}

/** Steps 1-3 of the header on a joint-network-sized image. `labels` feed the segmentation cue (a photograph's: every
 *  pixel the 'photo' class). A point on no segment is an error: there is nothing to remove. */
export async function removePerson(
  qs: Quickstart,
  image: Raster,
  labels: PanopticLabels,
  by: Selector,
): Promise<PersonRemoval> {
  const segments = await personSegments(image, { segmenter: qs.segmenter });
  let selected: Mask;
  let objectMask: Mask;
  if ('point' in by) {
    const hit = await segmentAtPoint(image, by.point.x, by.point.y, { segmenter: qs.segmenter });
    if (!hit) throw new Error(`removePerson: the point (${by.point.x}, ${by.point.y}) is on no person segment`);
    selected = hit.mask;
    objectMask = hit.mask;
  } else {
    selected = await segmenterMask(image, by.maskGT, qs.segmenter);
    objectMask = by.maskGT;
  }
  const { output, mask } = await jointRemover(qs.joint)(image, objectMask, labels);
  const fillable = maskArea(mask) > 0 && maskArea(mask) < mask.data.length;
  const telea = fillable ? CLASSICAL_INPAINTERS.telea(image, mask) : image;
  return { segments, selected, mask, output, telea };
}

const PALETTE = [
  [0.9, 0.1, 0.2],
  [0.1, 0.5, 0.9],
  [0.95, 0.75, 0.1],
  [0.2, 0.7, 0.3],
  [0.6, 0.3, 0.8],
];

/** Each segment in its own colour over the darkened image; a white cross at `point` if given. */
function segmentColours(image: Raster, s: PersonSegments, point?: { x: number; y: number }): Raster {
  const out = createRaster(image.height, image.width, 3);
  s.labels.forEach((l, i) => {
    for (let c = 0; c < 3; c++)
      out.data[3 * i + c] = l < 0 ? 0.3 * image.data[3 * i + c] : PALETTE[l % PALETTE.length][c];
  });
  if (point) {
    for (let k = -3; k <= 3; k++) {
      for (const [x, y] of [
        [point.x + k, point.y],
        [point.x, point.y + k],
      ]) {
        if (x >= 0 && y >= 0 && x < image.width && y < image.height)
          out.data.fill(1, 3 * (y * image.width + x), 3 * (y * image.width + x) + 3);
      }
    }
  }
  return out;
}

const dB = (out: Raster, truth: Raster) => psnr(out, truth, { protocol: 'paper' }).value;
const fixed = (v: number, n: number) => (Number.isFinite(v) ? v.toFixed(n) : '-');
const MASK_LEGEND = 'white: in both, orange: added by the joint network, blue: left out by it';

/**
 * A pedestrian removed by a point: vtest item QUICKSTART_POINT.item, the segments with the point, the selected
 * segment against the joint network's M, its output, Telea's fill of M and I_G. The lines score both against I_G and
 * describe M against the pedestrian's mask m_G (Table IV's measures).
 */
export async function pointRemovalPanel(qs: Quickstart): Promise<PicturePanel> {
  const { testSet, item, point } = QUICKSTART_POINT;
  const t = await (await openTestSet(testSetSpec(PRESET, testSet)))(item);
  const r = await removePerson(qs, t.image, t.labels, { point });
  const [qm, qM] = [maskMetrics(r.selected, t.mask), maskMetrics(r.mask, t.mask)];
  const [ours, telea] = [dB(r.output, t.background), dB(r.telea, t.background)];
  return picturePanel(
    '00_quickstart',
    [
      [
        t.image,
        segmentColours(t.image, r.segments, point),
        maskChange(r.selected, r.mask),
        r.output,
        r.telea,
        t.background,
      ],
    ],
    [
      [
        `I: ${testSet} item ${item}`,
        `${r.segments.components.length} segment(s), point (${point.x}, ${point.y})`,
        'selected vs M',
        `ours ${ours.toFixed(1)} dB`,
        `Telea on M ${telea.toFixed(1)} dB`,
        'I_G (plate)',
      ],
    ],
    [
      `the segment under the point: ${maskArea(r.selected)} px, IoU ${qm.iou.toFixed(2)} with the pedestrian's ` +
        `mask m_G (${maskArea(t.mask)} px), covering ${(100 * qm.coverage).toFixed(0)} % of it`,
      `the joint network's M: ${maskArea(r.mask)} px, covering ${(100 * qM.coverage).toFixed(0)} % of m_G, mean ` +
        `dilation ${qM.meanOffset.toFixed(2)} px from m_G (${MASK_LEGEND})`,
      `PSNR (paper protocol) against I_G: before ${dB(t.image, t.background).toFixed(2)} dB, ours ` +
        `${ours.toFixed(2)} dB, Telea on the same M ${telea.toFixed(2)} dB`,
    ],
    [3],
  );
}

/**
 * The automatic setting on photo-test items QUICKSTART_ITEMS: the segments, the one overlapping m_G most against
 * the joint network's M, its output, Telea's fill of M and I_G; the table describes both masks against m_G and
 * scores both fills.
 */
export async function photoTestRemovalPanel(qs: Quickstart): Promise<PicturePanel> {
  const itemAt = await openTestSet(testSetSpec(PRESET, 'photo-test'));
  const rows: Raster[][] = [];
  const captions: string[][] = [];
  const table = [
    '| item | mask ratio (%) | segments | selected: IoU with m_G | M: IoU with m_G | M: m_G covered | ' +
      'M: mean dilation (px) | ours (dB) | Telea on M (dB) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const index of QUICKSTART_ITEMS) {
    const t = await itemAt(index);
    const r = await removePerson(qs, t.image, t.labels, { maskGT: t.mask });
    const [qm, qM] = [maskMetrics(r.selected, t.mask), maskMetrics(r.mask, t.mask)];
    const [ours, telea] = [dB(r.output, t.background), dB(r.telea, t.background)];
    rows.push([
      t.image,
      segmentColours(t.image, r.segments),
      maskChange(r.selected, r.mask),
      r.output,
      r.telea,
      t.background,
    ]);
    captions.push([
      `I (item ${index})`,
      `${r.segments.components.length} segment(s)`,
      'selected vs M',
      `ours ${ours.toFixed(1)} dB`,
      `Telea on M ${telea.toFixed(1)} dB`,
      'I_G',
    ]);
    table.push(
      `| ${index} | ${(100 * t.maskRatio).toFixed(1)} | ${r.segments.components.length} | ${qm.iou.toFixed(2)} | ` +
        `${qM.iou.toFixed(2)} | ${qM.coverage.toFixed(2)} | ${fixed(qM.meanOffset, 2)} | ${ours.toFixed(2)} | ` +
        `${telea.toFixed(2)} |`,
    );
  }
  const panel = picturePanel(
    '00_quickstart_photo_test',
    rows,
    captions,
    [MASK_LEGEND],
    rows.map(() => 2),
  );
  return { ...panel, markdown: table.join('\n') };
}
