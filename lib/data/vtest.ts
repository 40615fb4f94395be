// Real pedestrians with the true background behind them, from opencv-doc's vtest.avi (795 frames, 768x576, 10 fps,
// fixed camera; decoded with Debian's ffmpeg). extractVtest (run once by scripts/fetch-photos.sh) writes
// data/cache/photos/vtest/:
//   plate.png        the background plate: per pixel and channel, the median of every 3rd frame
//   index.json       the people found in each frame (bounding box, area, track), the time ranges, the counts
//   masks/NNN.png    each frame's cleaned silhouettes (0/255), for the frames of the test range
//   frames/NNN.jpg   those frames (quality 95; only known pixels of I come from them: the truth in the hole is
//                    the plate)
//   cutouts/*.png    RGBA person cutouts (colour from the frame, alpha = silhouette) from the training range
// Silhouettes (cleanSilhouettes): |frame - plate| summed over the channels > 60; an opening by a disk of radius 2
// removes noise and the thin tape line that moves in the wind (2-4 px wide); components of >= MIN_AREA pixels are
// kept and grown back inside the raw foreground for RECONSTRUCT px (limbs the opening cut off, without regrowing
// more than that much tape); a closing by 2 px joins parts, and holes are filled.
// Time split: training range frames [0, TRAIN_END), test range [TEST_START, 795), 6 s apart. People are linked
// across frames (a component continues the track of the previous frame's component it overlaps most). Training
// pastes only people whose track, and every track it merged into, ends before TRAIN_END (trainingCutoutPeople), so
// no pasted person is seen in the gap or the test range as far as the tracks tell; the gap is the second guard.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import sharp from 'sharp';
import { type Mask, type Raster, createMask, maskArea } from '../image/raster';
import { resize } from '../image/resize';
import { Prng, deriveSeed } from '../random/prng';
import { MASK_RATIO_BUCKETS, MIN_MASK_RATIO, bucketOf, balancedBucket } from './buckets';
import { CLASS_ID } from './classes';
import { createLabels, pasteInstance } from './labels';
import type { Triplet } from './triplets';
import { dilate, erode } from '../image/morphology';
import { writeJsonAtomic, writeFileAtomic } from '../io/atomicWrite';
import { repoPath, repoRelative } from '../io/repoRoot';
import { readCutout } from './photos';
import type { Sprite } from './paste';

export const VTEST_AVI = 'usr/share/doc/opencv-doc/examples/data/vtest.avi';
export const TRAIN_END = 480;
export const TEST_START = 540;
const THRESHOLD = 60;
const MIN_AREA = 250;
const RECONSTRUCT = 6;
const PLATE_EVERY = 3;
/** Bump when the extraction changes: an index of another version is rebuilt by scripts/fetch-photos.sh. */
export const EXTRACTION_VERSION = 1;

export interface VtestPerson {
  frame: number;
  /** bounding box in frame pixels, [top, left, height, width] */
  box: [number, number, number, number];
  area: number;
  track: number;
  touchesBorder: boolean;
  /** training cutout file (relative to the vtest folder), for training-range people of tracks not in the test range */
  cutout?: string;
}

export interface VtestIndex {
  description: string;
  /** EXTRACTION_VERSION of the code that wrote it */
  version: number;
  height: number;
  width: number;
  frames: number;
  trainRange: [number, number];
  testRange: [number, number];
  people: VtestPerson[];
}

export function vtestDir(): string {
  return process.env.VTEST_DIR ?? repoPath('data', 'cache', 'photos', 'vtest');
}

/** All frames of the video as one RGB byte buffer (frame f at f * H * W * 3). */
export function decodeVideo(file: string): { frames: Buffer; count: number; height: number; width: number } {
  const probe = spawnSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file],
    { encoding: 'utf8' },
  );
  if (probe.status !== 0) throw new Error(`ffprobe cannot read ${file}: ${probe.stderr || probe.error}`);
  const [width, height] = probe.stdout.trim().split(',').map(Number);
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], {
    maxBuffer: 2 ** 31,
  });
  if (r.status !== 0) throw new Error(`ffmpeg cannot decode ${file}: ${r.stderr?.toString() || r.error}`);
  const frameBytes = width * height * 3;
  return { frames: r.stdout, count: Math.floor(r.stdout.length / frameBytes), height, width };
}

/** Per pixel and channel, the median over every `every`-th frame. */
export function medianPlate(frames: Uint8Array, count: number, frameBytes: number, every = PLATE_EVERY): Uint8Array {
  const used = Array.from({ length: Math.ceil(count / every) }, (_, k) => k * every);
  const plate = new Uint8Array(frameBytes);
  const values = new Uint8Array(used.length);
  for (let p = 0; p < frameBytes; p++) {
    for (let k = 0; k < used.length; k++) values[k] = frames[used[k] * frameBytes + p];
    values.sort();
    plate[p] = values[used.length >> 1];
  }
  return plate;
}

/** 8-connected components of a mask: label per pixel (0 = background) and each component's pixel count. */
export function components(m: Mask): { labels: Int32Array; areas: number[] } {
  const { height: H, width: W } = m;
  const labels = new Int32Array(H * W);
  const areas = [0];
  const stack: number[] = [];
  for (let start = 0; start < H * W; start++) {
    if (!m.data[start] || labels[start]) continue;
    const id = areas.length;
    let area = 0;
    labels[start] = id;
    stack.push(start);
    while (stack.length) {
      const p = stack.pop()!;
      area++;
      const y = Math.floor(p / W);
      const x = p - y * W;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy < 0 || yy >= H || xx < 0 || xx >= W) continue;
          const q = yy * W + xx;
          if (m.data[q] && !labels[q]) {
            labels[q] = id;
            stack.push(q);
          }
        }
      }
    }
    areas.push(area);
  }
  return { labels, areas };
}

/** The mask with every hole (a background region not connected to the image border, 4-connected) filled. */
export function fillHoles(m: Mask): Mask {
  const { height: H, width: W } = m;
  const outside = new Uint8Array(H * W);
  const stack: number[] = [];
  const seed = (p: number) => {
    if (!m.data[p] && !outside[p]) {
      outside[p] = 1;
      stack.push(p);
    }
  };
  for (let x = 0; x < W; x++) {
    seed(x);
    seed((H - 1) * W + x);
  }
  for (let y = 0; y < H; y++) {
    seed(y * W);
    seed(y * W + W - 1);
  }
  while (stack.length) {
    const p = stack.pop()!;
    const y = Math.floor(p / W);
    const x = p - y * W;
    if (y > 0) seed(p - W);
    if (y < H - 1) seed(p + W);
    if (x > 0) seed(p - 1);
    if (x < W - 1) seed(p + 1);
  }
  return { height: H, width: W, data: outside.map((o) => (o ? 0 : 1)) };
}

const nonEmpty = (m: Mask) => m.data.some((v) => v);
const safeDilate = (m: Mask, d: number): Mask => (nonEmpty(m) ? dilate(m, d) : m);

/** Raw foreground: sum over channels of |frame - plate| > threshold. */
export function foreground(
  frame: Uint8Array,
  plate: Uint8Array,
  height: number,
  width: number,
  threshold = THRESHOLD,
): Mask {
  const data = new Uint8Array(height * width);
  for (let i = 0; i < data.length; i++) {
    const d =
      Math.abs(frame[3 * i] - plate[3 * i]) +
      Math.abs(frame[3 * i + 1] - plate[3 * i + 1]) +
      Math.abs(frame[3 * i + 2] - plate[3 * i + 2]);
    data[i] = d > threshold ? 1 : 0;
  }
  return { height, width, data };
}

/** Cleaned silhouettes of a raw foreground mask (see the header). */
export function cleanSilhouettes(raw: Mask): Mask {
  const { height: H, width: W } = raw;
  if (!nonEmpty(raw)) return raw;
  const opened = safeDilate(erode(raw, 2), 2);
  const { labels, areas } = components(opened);
  let grown: Mask = { height: H, width: W, data: Uint8Array.from(labels, (l) => (l && areas[l] >= MIN_AREA ? 1 : 0)) };
  // geodesic dilation inside the raw foreground
  for (let k = 0; k < RECONSTRUCT; k++) grown = dilate3x3Within(grown, raw);
  if (!nonEmpty(grown)) return grown;
  const closed = erode(dilate(grown, 2), 2);
  const filled = fillHoles(closed);
  const final = components(filled);
  return { height: H, width: W, data: Uint8Array.from(final.labels, (l) => (l && final.areas[l] >= MIN_AREA ? 1 : 0)) };
}

/** One step of geodesic dilation: the 3x3 dilation of m, inside `limit`. */
function dilate3x3Within(m: Mask, limit: Mask): Mask {
  const { height: H, width: W } = m;
  const out = new Uint8Array(H * W);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      if (!limit.data[p]) continue;
      let hit = 0;
      for (let dy = -1; dy <= 1 && !hit; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= H) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < W && m.data[yy * W + xx]) {
            hit = 1;
            break;
          }
        }
      }
      out[p] = hit;
    }
  }
  return { height: H, width: W, data: out };
}

const pad3 = (i: number) => String(i).padStart(3, '0');

/** Writes vtestDir() from the video (see the header). Skipped when index.json of this version exists. */
export async function extractVtest(avi: string, dir = vtestDir()): Promise<VtestIndex> {
  const indexFile = path.join(dir, 'index.json');
  if (fs.existsSync(indexFile)) {
    const old = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as VtestIndex;
    if (old.version === EXTRACTION_VERSION) return old;
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const t0 = Date.now();
  const video = decodeVideo(avi);
  const { height: H, width: W, count } = video;
  const frameBytes = H * W * 3;
  const plate = medianPlate(video.frames, count, frameBytes);
  for (const sub of ['masks', 'frames', 'cutouts']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  const raw = (data: Uint8Array, channels: 1 | 3 | 4, w = W, h = H) =>
    sharp(Buffer.from(data.buffer, data.byteOffset, data.length), { raw: { width: w, height: h, channels } });
  writeFileAtomic(path.join(dir, 'plate.png'), await raw(plate, 3).png().toBuffer());
  const people: VtestPerson[] = [];
  let previous: { labels: Int32Array; tracks: number[] } | null = null;
  let nextTrack = 0;
  const perFrame: { frame: number; labels: Int32Array; tracks: number[] }[] = [];
  for (let f = 0; f < count; f++) {
    const frame = video.frames.subarray(f * frameBytes, (f + 1) * frameBytes);
    const mask = cleanSilhouettes(foreground(frame, plate, H, W));
    const { labels, areas } = components(mask);
    // each component continues the track of the previous frame's component it overlaps most, else starts one
    const overlap = new Map<number, number>();
    if (previous) {
      for (let p = 0; p < labels.length; p++) {
        if (labels[p] && previous.labels[p]) {
          const key = labels[p] * 65536 + previous.labels[p];
          overlap.set(key, (overlap.get(key) ?? 0) + 1);
        }
      }
    }
    const tracks: number[] = [0];
    for (let id = 1; id < areas.length; id++) {
      let best = 0;
      let track = -1;
      for (const [key, n] of overlap) {
        if (Math.floor(key / 65536) === id && n > best) {
          best = n;
          track = previous!.tracks[key % 65536];
        }
      }
      tracks.push(track >= 0 ? track : nextTrack++);
    }
    previous = { labels, tracks };
    perFrame.push({ frame: f, labels, tracks });
    if (f >= TEST_START) {
      writeFileAtomic(
        path.join(dir, 'masks', `${pad3(f)}.png`),
        await raw(
          mask.data.map((v) => v * 255),
          1,
        )
          .png()
          .toBuffer(),
      );
      writeFileAtomic(
        path.join(dir, 'frames', `${pad3(f)}.jpg`),
        await raw(frame, 3).jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer(),
      );
    }
  }
  const inTest = new Set<number>();
  for (const { frame, tracks } of perFrame) if (frame >= TEST_START) for (const t of tracks.slice(1)) inTest.add(t);
  for (const { frame, labels, tracks } of perFrame) {
    const boxes = tracks.map(() => ({ y0: H, x0: W, y1: -1, x1: -1, area: 0 }));
    for (let p = 0; p < labels.length; p++) {
      const l = labels[p];
      if (!l) continue;
      const b = boxes[l];
      const y = Math.floor(p / W);
      const x = p - y * W;
      b.y0 = Math.min(b.y0, y);
      b.y1 = Math.max(b.y1, y);
      b.x0 = Math.min(b.x0, x);
      b.x1 = Math.max(b.x1, x);
      b.area++;
    }
    for (let id = 1; id < tracks.length; id++) {
      const b = boxes[id];
      const track = tracks[id];
      const person: VtestPerson = {
        frame,
        box: [b.y0, b.x0, b.y1 - b.y0 + 1, b.x1 - b.x0 + 1],
        area: b.area,
        track,
        touchesBorder: b.y0 === 0 || b.x0 === 0 || b.y1 === H - 1 || b.x1 === W - 1,
      };
      if (frame < TRAIN_END && !inTest.has(track) && !person.touchesBorder) {
        const [top, left, h, w] = person.box;
        const rgba = new Uint8Array(h * w * 4);
        const frameData = video.frames.subarray(frame * frameBytes, (frame + 1) * frameBytes);
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const s = (top + y) * W + left + x;
            const t = (y * w + x) * 4;
            for (let c = 0; c < 3; c++) rgba[t + c] = frameData[3 * s + c];
            rgba[t + 3] = labels[s] === id ? 255 : 0;
          }
        }
        person.cutout = `cutouts/${pad3(frame)}-${id}.png`;
        writeFileAtomic(path.join(dir, person.cutout), await raw(rgba, 4, w, h).png().toBuffer());
      }
      people.push(person);
    }
  }
  const index: VtestIndex = {
    description: 'people of vtest.avi (lib/data/vtest.ts extractVtest)',
    version: EXTRACTION_VERSION,
    height: H,
    width: W,
    frames: count,
    trainRange: [0, TRAIN_END],
    testRange: [TEST_START, count],
    people,
  };
  writeJsonAtomic(indexFile, index);
  const cutouts = people.filter((p) => p.cutout).length;
  const testPeople = people.filter((p) => p.frame >= TEST_START).length;
  console.log(
    `vtest: ${count} frames, ${people.length} people (${cutouts} training cutouts from frames 0-${TRAIN_END - 1}, ` +
      `${testPeople} in test frames ${TEST_START}-${count - 1}) in ${repoRelative(dir)} ` +
      `(${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );
  return index;
}

export function readVtestIndex(dir = vtestDir()): VtestIndex {
  const file = path.join(dir, 'index.json');
  if (!fs.existsSync(file)) {
    throw new Error(
      `vtest people are missing (${repoRelative(file)}): build them with \`bash scripts/fetch-photos.sh\``,
    );
  }
  const index = JSON.parse(fs.readFileSync(file, 'utf8')) as VtestIndex;
  if (index.version !== EXTRACTION_VERSION) {
    throw new Error(
      `${repoRelative(file)} was made by another version of lib/data/vtest.ts: rebuild it with \`bash ` +
        `scripts/fetch-photos.sh\``,
    );
  }
  return index;
}

const boxesOverlap = (a: VtestPerson['box'], b: VtestPerson['box']) =>
  a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];

/**
 * The cutouts that training pastes: training-range people whose track ends before TRAIN_END, and so does every
 * track it ran into (a track that ends where the next frame's box of another track overlaps its last box: two
 * people merged into one silhouette). Stricter than the extraction's rule (no track seen in the test range): no
 * pasted person is seen in the gap or the test range, as far as the tracks tell.
 */
export function trainingCutoutPeople(index: VtestIndex): VtestPerson[] {
  const byFrame = new Map<number, VtestPerson[]>();
  const last = new Map<number, VtestPerson>();
  for (const p of index.people) {
    byFrame.set(p.frame, [...(byFrame.get(p.frame) ?? []), p]);
    if ((last.get(p.track)?.frame ?? -1) < p.frame) last.set(p.track, p);
  }
  const memo = new Map<number, boolean>();
  const late = (track: number): boolean => {
    if (memo.has(track)) return memo.get(track)!;
    memo.set(track, true); // a cycle counts as late
    const end = last.get(track)!;
    const next = (byFrame.get(end.frame + 1) ?? []).filter((q) => q.track !== track && boxesOverlap(q.box, end.box));
    const verdict = end.frame >= TRAIN_END - 1 || next.some((q) => late(q.track));
    memo.set(track, verdict);
    return verdict;
  };
  return index.people.filter((p) => p.cutout && !late(p.track));
}

/** Per track at most `most` people, evenly spaced in time, and no track of fewer than `fewest` (short-lived
 *  components are fragments more often than people). Measured on vtest.avi: one track (a couple walking side by side
 *  as one silhouette) held 394 of the 691 training cutouts; capped at 60 it is 60 of 270 (8 tracks). */
export function balanceTracks(people: readonly VtestPerson[], fewest = 5, most = 60): VtestPerson[] {
  const byTrack = new Map<number, VtestPerson[]>();
  for (const p of people) byTrack.set(p.track, [...(byTrack.get(p.track) ?? []), p]);
  const out: VtestPerson[] = [];
  for (const list of byTrack.values()) {
    if (list.length < fewest) continue;
    const n = Math.min(most, list.length);
    for (let k = 0; k < n; k++) out.push(list[Math.floor(((k + 0.5) * list.length) / n)]);
  }
  return out.sort((a, b) => a.frame - b.frame || a.track - b.track);
}

/** The training cutouts: trainingCutoutPeople, balanced over the tracks (balanceTracks). */
export async function loadVtestCutouts(dir = vtestDir()): Promise<Sprite[]> {
  const files = balanceTracks(trainingCutoutPeople(readVtestIndex(dir))).map((p) => path.join(dir, p.cutout!));
  return Promise.all(files.map((f) => readCutout(f)));
}

/** The test range as the test sets use it: the plate, and per frame its image and silhouettes, read on demand. */
export interface VtestTestRange {
  index: VtestIndex;
  plate: Uint8Array;
  /** test-range people whole in the frame, at least MIN_TEST_AREA px, in frame order */
  people: VtestPerson[];
  frame(f: number): Promise<{ rgb: Uint8Array; mask: Uint8Array }>;
}

const MIN_TEST_AREA = 400;

export async function openVtestTestRange(dir = vtestDir()): Promise<VtestTestRange> {
  const index = readVtestIndex(dir);
  const plate = new Uint8Array(await sharp(path.join(dir, 'plate.png')).removeAlpha().raw().toBuffer());
  const cache = new Map<number, { rgb: Uint8Array; mask: Uint8Array }>();
  return {
    index,
    plate,
    people: index.people.filter((p) => p.frame >= index.testRange[0] && !p.touchesBorder && p.area >= MIN_TEST_AREA),
    async frame(f) {
      let hit = cache.get(f);
      if (!hit) {
        const rgb = new Uint8Array(
          await sharp(path.join(dir, 'frames', `${pad3(f)}.jpg`))
            .removeAlpha()
            .raw()
            .toBuffer(),
        );
        const mask = new Uint8Array(
          await sharp(path.join(dir, 'masks', `${pad3(f)}.png`))
            .extractChannel(0)
            .raw()
            .toBuffer(),
        );
        hit = { rgb, mask };
        cache.set(f, hit);
      }
      return hit;
    },
  };
}

/** A test-range person as a sprite (the frame's colour on its silhouette inside its box): photo-test's real people. */
export async function vtestTestCutout(range: VtestTestRange, person: VtestPerson): Promise<Sprite> {
  const { rgb, mask } = await range.frame(person.frame);
  const [top, left, h, w] = person.box;
  const W = range.index.width;
  const out: Sprite = { height: h, width: w, rgb: new Float32Array(h * w * 3), mask: new Uint8Array(h * w) };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (top + y) * W + left + x;
      out.mask[y * w + x] = mask[s] ? 1 : 0;
      for (let c = 0; c < 3; c++) out.rgb[(y * w + x) * 3 + c] = rgb[3 * s + c] / 255;
    }
  }
  return out;
}

/**
 * Item `index` of the vtest test set (size x size): bucket balancedBucket(index); a test-range person, stratified
 * over time (item k of a bucket draws from the k-th of `perBucket` equal slices of the people list); a square window
 * around the person whose side makes the silhouette cover a target ratio inside the bucket (corrected a few times
 * from the measured ratio; a window smaller than the person cuts it, as the border cuts pasted people). Resized to
 * size x size (antialiased; the silhouette grown by a frame pixel, mask where coverage >= 1/4). I = the frame;
 * I_G = the plate on the mask and the frame elsewhere (only the hole is scored differently from I: other
 * pedestrians and sensor noise stay out of the score);
 * M_G = the person's silhouette (within its box, so a neighbour's silhouette is not part of the hole).
 */
export async function vtestTriplet(
  range: VtestTestRange,
  seed: number,
  index: number,
  size: number,
  perBucket: number,
): Promise<Triplet> {
  const bucket = balancedBucket(index);
  const { lo, hi } = MASK_RATIO_BUCKETS[bucket];
  const minRatio = Math.max(lo, MIN_MASK_RATIO);
  const rng = new Prng(deriveSeed(seed, index));
  const people = range.people;
  const { height: FH, width: FW } = range.index;
  const slice = Math.floor(index / MASK_RATIO_BUCKETS.length);
  for (let attempt = 0; attempt < 40; attempt++) {
    const u = attempt === 0 ? (slice + rng.next()) / perBucket : rng.next();
    const person = people[Math.min(people.length - 1, Math.floor(u * people.length))];
    const [bt, bl, bh, bw] = person.box;
    const target = rng.uniform(minRatio + 0.1 * (hi - minRatio), hi - 0.1 * (hi - minRatio));
    let side = Math.sqrt(person.area / target);
    const jitter = [rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5)];
    const { rgb, mask } = await range.frame(person.frame);
    for (let step = 0; step < 6; step++) {
      const s = Math.round(Math.min(FH, FW, Math.max(size / 4, side)));
      // the window's centre: the box's, moved by up to half the slack (so a person that fits stays inside)
      const cy = bt + bh / 2 + jitter[0] * Math.max(0, s - bh);
      const cx = bl + bw / 2 + jitter[1] * Math.max(0, s - bw);
      const top = Math.min(FH - s, Math.max(0, Math.round(cy - s / 2)));
      const left = Math.min(FW - s, Math.max(0, Math.round(cx - s / 2)));
      const crop = (src: Uint8Array): Raster => {
        const data = new Float32Array(s * s * 3);
        for (let y = 0; y < s; y++)
          for (let x = 0; x < s; x++)
            for (let c = 0; c < 3; c++) data[(y * s + x) * 3 + c] = src[((top + y) * FW + left + x) * 3 + c] / 255;
        const out = resize({ height: s, width: s, channels: 3, data }, size, size);
        // filter rounding
        for (let i = 0; i < out.data.length; i++) out.data[i] = Math.min(1, Math.max(0, out.data[i]));
        return out;
      };
      // the person's silhouette (inside its box) in the window, grown by one frame pixel so the hole also covers
      // its blended outline; a model pixel is in the hole when a quarter of it is covered
      const own: Mask = createMask(s, s);
      for (let y = 0; y < s; y++) {
        for (let x = 0; x < s; x++) {
          const fy = top + y;
          const fx = left + x;
          own.data[y * s + x] = fy >= bt && fy < bt + bh && fx >= bl && fx < bl + bw && mask[fy * FW + fx] ? 1 : 0;
        }
      }
      const grown = dilate3x3Within(own, { height: s, width: s, data: new Uint8Array(s * s).fill(1) });
      const cover = resize({ height: s, width: s, channels: 1, data: Float32Array.from(grown.data) }, size, size);
      const hole = createMask(size, size);
      for (let i = 0; i < hole.data.length; i++) hole.data[i] = cover.data[i] >= 0.25 ? 1 : 0;
      const ratio = maskArea(hole) / (size * size);
      if (ratio >= minRatio && bucketOf(ratio) === bucket) {
        const image = crop(rgb);
        const plate = crop(range.plate);
        const background: Raster = { ...image, data: image.data.slice() };
        for (let i = 0; i < hole.data.length; i++)
          if (hole.data[i]) for (let c = 0; c < 3; c++) background.data[3 * i + c] = plate.data[3 * i + c];
        const backgroundLabels = createLabels(size, size, CLASS_ID.photo);
        const { labels, instanceId } = pasteInstance(backgroundLabels, hole);
        return {
          image,
          background,
          mask: hole,
          maskRatio: ratio,
          bucket,
          labels,
          backgroundLabels,
          personInstance: instanceId,
          sceneKind: 'photo',
        };
      }
      side *= Math.sqrt(Math.max(ratio, 1e-4) / target);
    }
  }
  throw new Error(
    `vtestTriplet: no test-range person fits bucket ${MASK_RATIO_BUCKETS[bucket].label} at ${size}x${size} (item ` +
      `${index})`,
  );
}
