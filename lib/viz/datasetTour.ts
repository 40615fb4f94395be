// The figures of notebooks/01_paired_dataset.ipynb: the paired data of paper Sec. III-A as this project makes it,
// real photographs first. A triplet (I, I_G, M_G) is a background, a person pasted onto it without blending, and
// the person's visible mask. Backgrounds are crops of the photo library (lib/data/photos.ts) or procedural scenes
// (lib/data/scene.ts); people are real cutouts (vtest.avi pedestrians, the Tux Paint firemen) or procedural figures;
// the real test sets are photo-test (people pasted onto the test-split photos) and vtest (pedestrians in their own
// frames, the median plate as the truth behind them). One function per figure, each returning a panel
// (lib/viz/panel.ts) that the notebook shows with showPanel. Seeds and sizes are the library's: the test sets' seed
// and size (lib/eval/experiments.ts testSetSpec), the training data's seed and mix (lib/config/presets.ts).
import { Prng, deriveSeed } from '../random/prng';
import { type Mask, type Raster, maskRatio } from '../image/raster';
import { crop, resize, resizeMask } from '../image/resize';
import { normalizedSignedDistance } from '../image/distance';
import { dilate, erode, thresholdSignedDistance } from '../image/morphology';
import { PRESETS, type PresetName } from '../config/presets';
import { TEST_SEED, testSetSpec } from '../eval/experiments';
import { loadTrainingData } from '../train/batches';
import {
  type Triplet,
  type TestSetSpec,
  type TripletSources,
  makeTriplet,
  makeTriplets,
  openTestSet,
  resizeSprite,
} from '../data/triplets';
import { LIBRARY_LONG_SIDE, MIN_CROP_SCALE, type Photo, photoCrop } from '../data/photos';
import { TRAIN_END, type VtestTestRange, foreground, openVtestTestRange } from '../data/vtest';
import { vtestMaskQuality } from '../data/vtestMaskQuality';
import { type Sprite, pasteSprite } from '../data/paste';
import { generateScene } from '../data/scene';
import { randomPerson, renderPerson } from '../data/person';
import { labelsToRaster } from '../data/labels';
import { MASK_RATIO_BUCKETS, bucketOf } from '../data/buckets';
import { ratioHistogram } from '../data/ratioHistogram';
import { examplesPerBucket } from '../data/examplesPerBucket';
import { irregularMask } from '../data/irregularMasks';
import { heatmapFigure } from './figure';
import { maskChange, maskOverlay } from './images';
import { type ChartPanel, type PicturePanel, picturePanel } from './panel';

/** Examples per bucket shown, and the training items of the mask-ratio histogram, per preset. */
const TOUR_COUNTS: Record<PresetName, { perBucket: number; trainItems: number }> = {
  tiny: { perBucket: 2, trainItems: 400 },
  cpu: { perBucket: 3, trainItems: 4000 },
  paper: { perBucket: 4, trainItems: 2000 },
};

/** The photo-test item the mask figures use: item 1, the first of bucket 10-20 %. */
export const EXAMPLE_ITEM = 1;

export interface DatasetTour {
  preset: PresetName;
  /** image side R of the test sets at this preset */
  size: number;
  testSeed: number;
  /** the training data's seed (the preset's dataSeed) */
  trainSeed: number;
  perBucket: number;
  trainItems: number;
  /** the preset's training data: train-split photos, vtest.avi cutouts, firemen, with their shares */
  sources: TripletSources;
  photoTestSpec: TestSetSpec;
  photoTest: (index: number) => Promise<Triplet>;
  vtest: (index: number) => Promise<Triplet>;
  vtestRange: VtestTestRange;
  summary: string;
}

const pct = (ratio: number) => `${(100 * ratio).toFixed(1)}%`;

/** Loads what the figures draw from (the photo library must be built: `bash scripts/fetch-photos.sh`). */
export async function openDatasetTour(preset: string): Promise<DatasetTour> {
  if (!(preset in PRESETS))
    throw new Error(`PRESET must be one of ${Object.keys(PRESETS).join(', ')}, got '${preset}'`);
  const p = PRESETS[preset as PresetName];
  const { sources } = await loadTrainingData(p.data);
  if (!sources) throw new Error(`preset ${preset} trains on '${p.data.name}' data, not on the photo library`);
  const photoTestSpec = testSetSpec(preset, 'photo-test');
  const vtestSpec = testSetSpec(preset, 'vtest');
  const tour: DatasetTour = {
    preset: preset as PresetName,
    size: photoTestSpec.size,
    testSeed: TEST_SEED,
    trainSeed: p.dataSeed,
    ...TOUR_COUNTS[preset as PresetName],
    sources,
    photoTestSpec,
    photoTest: await openTestSet(photoTestSpec),
    vtest: await openTestSet(vtestSpec),
    vtestRange: await openVtestTestRange(),
    summary: '',
  };
  const cutouts = sources.cutouts.map((c) => `${c.sprites.length} ${c.name} cutouts (${pct(c.share)} of the people)`);
  tour.summary =
    `preset ${preset}: ${tour.size}x${tour.size} images, test seed ${tour.testSeed}, training seed ` +
    `${tour.trainSeed}; training data: ${sources.photos.length} train-split photos ` +
    `(${pct(sources.photoShare)} of the backgrounds), ${cutouts.join(', ')}`;
  return tour;
}

/** An 8-bit library photo as a raster `height` px high. */
function photoRaster(photo: Photo, height: number): Raster {
  const full: Raster = {
    height: photo.height,
    width: photo.width,
    channels: 3,
    data: Float32Array.from(photo.data, (v) => v / 255),
  };
  return resize(full, height, Math.round((photo.width * height) / photo.height));
}

/** An RGB byte buffer of vtest.avi (a frame or the plate) as a raster. */
function frameRaster(rgb: Uint8Array, height: number, width: number): Raster {
  return { height, width, channels: 3, data: Float32Array.from(rgb, (v) => v / 255) };
}

const SHOWN_PHOTOS = 4;

/** Row 1: four train-split photos (a seeded draw); row 2: one background crop of each at the model size. */
export function photoBackgroundPanel(tour: DatasetTour): PicturePanel & { background: Raster } {
  const photos = tour.sources.photos;
  const rng = new Prng(deriveSeed(tour.testSeed, 1));
  const picked = Array.from({ length: SHOWN_PHOTOS }, () => photos[rng.int(0, photos.length)]);
  const crops = picked.map((photo) => photoCrop(photo, rng, tour.size, tour.size));
  return {
    ...picturePanel(
      '01_background',
      [picked.map((p) => photoRaster(p, 96)), crops],
      [picked.map((p) => `${p.width}x${p.height}`), crops.map((_, k) => `crop ${k + 1}`)],
      [
        `photos: ${picked.map((p) => p.id).join(', ')}`,
        `${photos.length} train-split photos, long side ${LIBRARY_LONG_SIDE} px; a crop's short side is s x the ` +
          `photo's, s log-uniform in [${MIN_CROP_SCALE}, 1], at a uniform position, flipped half of the time, ` +
          `resized to ${tour.size}x${tour.size}`,
      ],
      [1, Math.max(1, Math.round(96 / tour.size))],
    ),
    background: crops[0],
  };
}

/** Real person cutouts as sprites: vtest.avi pedestrians of the training range and the two Tux Paint firemen. */
export function realPeoplePanel(tour: DatasetTour): PicturePanel & { person: Sprite } {
  const [vtest, firemen] = ['vtest', 'firemen'].map(
    (name) => tour.sources.cutouts.find((c) => c.name === name)!.sprites,
  );
  const picks = [0, 1, 2, 3, 4].map((k) => Math.floor(((k + 0.5) * vtest.length) / 5));
  const sprites = [...picks.map((i) => vtest[i]), ...firemen];
  const shown = sprites.map((s) => resizeSprite(s, 96, false));
  const captions = [...picks.map((i) => `${vtest[i].height} px`), ...firemen.map(() => 'fireman')];
  return {
    ...picturePanel(
      '01_person',
      [shown],
      [captions],
      [
        `${vtest.length} vtest.avi cutouts (frames 0-${TRAIN_END - 1}, only people whose track ends before frame ` +
          `${TRAIN_END}; at most 60 per track) and ${firemen.length} Tux Paint firemen with exact alpha; ` +
          "white = outside the mask; shown 96 px high, captions the cutout's own height " +
          `(vtest cutouts ${picks.join(', ')})`,
      ],
    ),
    person: vtest[picks[0]],
  };
}

/** The copy-paste of [32]: the person's pixels replace the background's under its mask, no blending. */
export function pastePanel(background: Raster, person: Sprite): PicturePanel {
  const R = background.height;
  const sprite = resizeSprite(person, 0.6 * R, false);
  const { image, mask } = pasteSprite(background, sprite, R - sprite.height, Math.round(R / 3));
  return picturePanel(
    '01_paste',
    [[image, mask, maskOverlay(image, mask)]],
    [['I (pasted)', `M_G (${pct(maskRatio(mask))})`, 'M_G over I']],
    [],
    [Math.max(1, Math.round(128 / R))],
  );
}

/** The first `count` photo-background items of the training split: I, I_G, M_G and the labels of I. */
export function trainingTripletsPanel(tour: DatasetTour, count = 3): PicturePanel & { triplets: Triplet[] } {
  const opts = { height: tour.size, width: tour.size, split: 'train' as const, sources: tour.sources };
  const found: { index: number; t: Triplet }[] = [];
  for (let i = 0; found.length < count; i++) {
    const t = makeTriplet(tour.trainSeed, i, opts);
    if (t.sceneKind === 'photo') found.push({ index: i, t });
  }
  return {
    ...picturePanel(
      '01_triplet',
      found.map(({ t }) => [t.image, t.background, t.mask, labelsToRaster(t.labels)]),
      found.map(({ index, t }) => [`item ${index}: I`, 'I_G', `M_G ${pct(t.maskRatio)}`, 'labels of I']),
      [
        `training items ${found.map((f) => f.index).join(', ')} (seed ${tour.trainSeed}); labels: grey = the ` +
          'one "photo" class, red = the pasted person (its own instance)',
      ],
      found.map(() => Math.max(1, Math.round(128 / tour.size))),
    ),
    triplets: found.map((f) => f.t),
  };
}

const QUALITY_FRAME_STEP = 10;
const ZOOM = 96;

/**
 * A test-range frame of vtest.avi, the median plate and the frame's cleaned silhouettes (1/3 size); below, a zoom
 * on one person: the frame, the raw foreground |frame - plate| > 60, and what cleaning changed (white kept, orange
 * added, blue removed). The lines: vtestMaskQuality over every 10th test frame.
 */
export async function vtestFramePanel(tour: DatasetTour): Promise<PicturePanel> {
  const range = tour.vtestRange;
  const { height: H, width: W } = range.index;
  const person = range.people[Math.floor(range.people.length / 2)];
  const { rgb, mask } = await range.frame(person.frame);
  const third = (r: Raster) => resize(r, Math.round(H / 3), Math.round(W / 3));
  const silhouettes: Mask = { height: H, width: W, data: mask.map((v) => (v ? 1 : 0)) }; // stored as 0/255
  const raw = foreground(rgb, range.plate, H, W);
  const [bt, bl, bh, bw] = person.box;
  const top = Math.min(H - ZOOM, Math.max(0, Math.round(bt + bh / 2 - ZOOM / 2)));
  const left = Math.min(W - ZOOM, Math.max(0, Math.round(bl + bw / 2 - ZOOM / 2)));
  const cropMask = (m: Mask): Mask => {
    const data = new Uint8Array(ZOOM * ZOOM);
    for (let y = 0; y < ZOOM; y++)
      data.set(m.data.subarray((top + y) * W + left, (top + y) * W + left + ZOOM), y * ZOOM);
    return { height: ZOOM, width: ZOOM, data };
  };
  const frame = frameRaster(rgb, H, W);
  const frames: number[] = [];
  for (let f = range.index.testRange[0]; f < range.index.testRange[1]; f += QUALITY_FRAME_STEP) frames.push(f);
  const q = await vtestMaskQuality(range, frames);
  return picturePanel(
    '01_vtest_frame',
    [
      [
        third(frame),
        third(frameRaster(range.plate, H, W)),
        resizeMask(silhouettes, Math.round(H / 3), Math.round(W / 3)),
      ],
      [crop(frame, top, left, ZOOM, ZOOM), cropMask(raw), maskChange(cropMask(raw), cropMask(silhouettes))],
    ],
    [
      [`frame ${person.frame}`, 'plate (median)', 'silhouettes'],
      ['zoom', 'raw foreground', 'cleaning (+orange -blue)'],
    ],
    [
      `vtest.avi test range: frames ${range.index.testRange[0]}-${range.index.testRange[1] - 1}, ` +
        `${range.people.length} people whole in the frame; the test set crops around them`,
      `mask quality over ${q.frames} test frames (every ${QUALITY_FRAME_STEP}th): ` +
        `cleaning dropped ${pct(q.droppedShare)} of the raw foreground (noise, the tape line, fragments) and ` +
        `added ${pct(q.addedShare)} to the silhouettes ` +
        '(closing, filled holes)',
      `2-4 px outside the silhouettes the plate matches the frame at ${q.ringPsnr.toFixed(1)} dB PSNR, and ` +
        `${pct(q.ringForegroundShare)} of that ring is still foreground by the threshold ` +
        '(shadows, limbs the mask misses)',
    ],
    [1, 2],
  );
}

/** Items 0-3 of the vtest test set, one per mask-ratio bucket: I = the frame, I_G = the plate in the hole, M_G. */
export async function vtestItemsPanel(tour: DatasetTour): Promise<PicturePanel> {
  const items = await Promise.all([0, 1, 2, 3].map((i) => tour.vtest(i)));
  const s = Math.max(1, Math.round(128 / tour.size));
  return picturePanel(
    '01_vtest_items',
    items.map((t) => [t.image, t.background, t.mask, maskOverlay(t.image, t.mask)]),
    items.map((t, i) => [`item ${i}: I`, 'I_G', `M_G ${pct(t.maskRatio)}`, 'M_G over I']),
    [],
    items.map(() => s),
  );
}

/** The first `perBucket` photo-test items of each bucket (I, then M_G); returns the items and EXAMPLE_ITEM. */
export async function photoTestPanel(
  tour: DatasetTour,
): Promise<PicturePanel & { buckets: Triplet[][]; example: Triplet }> {
  const items = await Promise.all(Array.from({ length: 4 * tour.perBucket }, (_, i) => tour.photoTest(i)));
  const buckets = examplesPerBucket(items, tour.perBucket);
  return {
    ...picturePanel(
      '01_examples_per_bucket',
      buckets.map((row) => row.flatMap((t) => [t.image, t.mask])),
      buckets.map((row, b) => row.flatMap((t) => [MASK_RATIO_BUCKETS[b].label, pct(t.maskRatio)])),
      [`photo-test items 0-${items.length - 1} (seed ${tour.testSeed}): ${tour.perBucket} per bucket`],
    ),
    buckets,
    example: items[EXAMPLE_ITEM],
  };
}

/** The second domain: a procedural scene with its panoptic labels, a procedural person, and procedural test item 0. */
export function proceduralPanel(tour: DatasetTour): PicturePanel {
  const R = tour.size;
  const scene = generateScene(tour.testSeed, R, R);
  const sprite = renderPerson(randomPerson(new Prng(tour.testSeed)), 0.6 * R);
  const t = makeTriplet(tour.testSeed, 0, { height: R, width: R, split: 'test' });
  const s = Math.max(1, Math.round(128 / R));
  return picturePanel(
    '01_procedural',
    [
      [scene.image, labelsToRaster(scene.labels), sprite],
      [t.image, t.background, t.mask, labelsToRaster(t.labels)],
    ],
    [
      [`scene (${scene.kind})`, 'panoptic labels', `person ${sprite.height} px`],
      ['test item 0: I', 'I_G', `M_G ${pct(t.maskRatio)}`, 'labels of I'],
    ],
    [],
    [s, s],
  );
}

const BUCKET_COLOURS = ['#4c78a8', '#f58518', '#54a24b', '#e45756'];

/** Mask ratios of the first trainItems items of the training split (the preset's data mix), 1 % bins. */
export function maskRatioHistogramPanel(tour: DatasetTour): ChartPanel {
  const R = tour.size;
  const train = makeTriplets(tour.trainSeed, tour.trainItems, {
    height: R,
    width: R,
    split: 'train',
    sources: tour.sources,
  });
  const h = ratioHistogram(
    train.map((t) => t.maskRatio),
    0.01,
  );
  const photos = train.filter((t) => t.sceneKind === 'photo').length;
  const figure = {
    data: [
      {
        type: 'bar',
        x: h.binStarts.map((lo) => 100 * (lo + h.binWidth / 2)),
        y: h.counts,
        width: 100 * h.binWidth,
        marker: { color: h.binStarts.map((lo) => BUCKET_COLOURS[bucketOf(lo)]) },
      },
    ],
    layout: {
      title: { text: `Mask ratio |m_G| / |image| of ${tour.trainItems} training triplets (${R}x${R})` },
      xaxis: { title: { text: 'mask ratio [%]' }, range: [0, 40], dtick: 5 },
      yaxis: { title: { text: 'triplets per 1 % bin' } },
      bargap: 0.05,
      annotations: MASK_RATIO_BUCKETS.map((b, k) => ({
        x: (100 * (b.lo + b.hi)) / 2,
        y: 1.02,
        yref: 'paper',
        showarrow: false,
        text: `${b.label}: ${h.bucketCounts[k]}`,
      })),
    },
  };
  return {
    name: '01_mask_ratio_histogram',
    figure,
    lines: [
      `${MASK_RATIO_BUCKETS.map((b, k) => `${b.label}: ${h.bucketCounts[k]}`).join(', ')} (of ${tour.trainItems}); ` +
        `${photos} on photo backgrounds (${pct(photos / tour.trainItems)}), the rest on procedural scenes`,
    ],
  };
}

/** Top: one photo-test object mask per bucket; bottom: a free-form random mask of the same bucket (irregularMask). */
export function objectVsRandomMasksPanel(tour: DatasetTour, buckets: Triplet[][]): PicturePanel {
  const objects = buckets.map((row) => row[0].mask);
  const random = MASK_RATIO_BUCKETS.map((b, k) => irregularMask(tour.testSeed, k, tour.size, tour.size, b.lo, b.hi));
  return picturePanel(
    '01_object_vs_irregular_masks',
    [objects, random],
    [objects.map((m) => `object ${pct(maskRatio(m))}`), random.map((m) => `random ${pct(maskRatio(m))}`)],
  );
}

const ALPHAS = [0.01, 0.03, 0.05, 0.07];

/** The normalised signed distance φ of the example's M_G, contours at φ = 0 and at φ = α for α = 0.03, 0.07. */
export function signedDistancePanel(example: Triplet): ChartPanel & { scale: number } {
  const sdf = normalizedSignedDistance(example.mask);
  const figure = heatmapFigure(sdf.map, {
    title: `Normalised signed distance φ of M_G (scale ${sdf.scale.toFixed(1)} px)`,
    zmin: -1,
    zmax: 1,
    colorbarTitle: 'φ',
    digits: 2,
    levels: [
      { value: 0, name: 'φ = 0 (boundary of m_G)', colour: 'black' },
      { value: 0.03, name: 'φ = α = 0.03', colour: '#1b9e77' },
      { value: 0.07, name: 'φ = α = 0.07', colour: '#7570b3' },
    ],
  });
  const values = sdf.map.data;
  return {
    name: '01_signed_distance',
    figure,
    width: 540,
    height: 520,
    scale: sdf.scale,
    lines: [
      `φ in [${Math.min(...values).toFixed(3)}, ${Math.max(...values).toFixed(3)}]; dilation α·scale: ` +
        ALPHAS.map((a) => `α=${a}: ${(a * sdf.scale).toFixed(2)} px`).join(', '),
    ],
  };
}

/** The masks L_X pushes towards, {φ <= α}, for the α of the paper's Table IV (white m_G, orange added). */
export function alphaMasksPanel(example: Triplet, scale: number): PicturePanel {
  const masks = ALPHAS.map((a) => thresholdSignedDistance(example.mask, a * scale));
  return picturePanel(
    '01_alpha_masks',
    [masks.map((m) => maskChange(example.mask, m))],
    [ALPHAS.map((a) => `α=${a}: +${(a * scale).toFixed(1)} px`)],
  );
}

const D = [-2, 0, 2, 4, 6, 8];

/**
 * Rows: the example's M_G thresholded at d·R/256 (R the test size); the same photo-test item made at 256x256 (same
 * seed and index: same photo crop and person, its scale searched anew) thresholded at d; and dilated / eroded by a
 * disk of radius |d|. White kept, orange added, blue removed.
 */
export async function dilationPanel(tour: DatasetTour, example: Triplet): Promise<PicturePanel> {
  const R = tour.size;
  const big = await (await openTestSet({ ...tour.photoTestSpec, size: 256 }))(EXAMPLE_ITEM);
  const thresholdR = D.map((d) => thresholdSignedDistance(example.mask, (d * R) / 256));
  const threshold256 = D.map((d) => thresholdSignedDistance(big.mask, d));
  const disk256 = D.map((d) => (d < 0 ? erode(big.mask, -d) : dilate(big.mask, d)));
  return picturePanel(
    '01_mask_dilation',
    [
      thresholdR.map((m) => maskChange(example.mask, m)),
      threshold256.map((m) => maskChange(big.mask, m)),
      disk256.map((m) => maskChange(big.mask, m)),
    ],
    [
      thresholdR.map((m, k) => `${R}px: φ≤${(D[k] * R) / 256} → ${pct(maskRatio(m))}`),
      threshold256.map((m, k) => `256px: φ≤${D[k]} → ${pct(maskRatio(m))}`),
      disk256.map((m, k) => `256px: ${D[k] < 0 ? 'erode' : 'dilate'} ${Math.abs(D[k])} → ${pct(maskRatio(m))}`),
    ],
    [],
    [Math.max(1, Math.round(256 / R)), 1, 1],
  );
}
