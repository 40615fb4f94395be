// The photo library: real photographs from Debian packages (data/photos/sources.tsv), built by
// scripts/fetch-photos.sh into data/cache/photos/library (gitignored; PHOTO_LIBRARY overrides the folder), split
// by photo into train / validation / test by the committed data/photos/split.json (no photo in two splits).
// Backgrounds are made as COCO images are used by the paper: the photo's long side resized to ~640 px
// (loadPhotos), then a square crop at a random scale, resized to the model size, flipped half of the time
// (photoCrop). Person cutouts with exact alpha (the Tux Paint firemen) come with the library (loadFiremen).
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { Prng } from '../random/prng';
import type { Raster } from '../image/raster';
import { resize } from '../image/resize';
import { repoPath, repoRelative } from '../io/repoRoot';
import type { Sprite } from './paste';

export type PhotoSplit = 'train' | 'validation' | 'test';
export const PHOTO_SPLITS: readonly PhotoSplit[] = ['train', 'validation', 'test'];

/** One line of data/photos/sources.tsv, with its library id. */
export interface PhotoSource {
  id: string;
  package: string;
  path: string; // file in the package
  entry?: string; // entry inside a Qt resource file (gcompris)
  group: string;
}

export interface PhotoEntry extends PhotoSource {
  file: string; // relative to the library folder
  width: number;
  height: number;
  license: string;
  credit: string;
  source?: string; // upstream address where the package names one
}

export interface PersonCutoutEntry {
  file: string;
  package: string;
  path: string;
  license: string;
  credit: string;
}

export interface PhotoManifest {
  description: string;
  photos: PhotoEntry[];
  people: PersonCutoutEntry[];
}

export interface PhotoSplitFile {
  description: string;
  seed: number;
  train: string[];
  validation: string[];
  test: string[];
}

/** An 8-bit RGB photo in memory (long side ~640 px). */
export interface Photo {
  id: string;
  height: number;
  width: number;
  data: Uint8Array; // HWC, 3 channels
}

export const LIBRARY_LONG_SIDE = 640;
const SOURCES_FILE = repoPath('data', 'photos', 'sources.tsv');
const SPLIT_FILE = repoPath('data', 'photos', 'split.json');

export function photoLibraryDir(): string {
  return process.env.PHOTO_LIBRARY ?? repoPath('data', 'cache', 'photos', 'library');
}

/** The one-line message for a missing library, naming the command that builds it. */
export function missingLibraryMessage(dir = photoLibraryDir()): string {
  return (
    `the photo library is missing (${repoRelative(path.join(dir, 'manifest.json'))}): build it with ` +
    '`bash scripts/fetch-photos.sh` (downloads ~490 MB of Debian packages; 5-10 minutes, most of it vtest.avi)'
  );
}

/** Library id of a source: the resource file's activity and the entry's name (gcompris), else package + name. */
function photoId(pkg: string, file: string, entry: string): string {
  const stem = (p: string) => path.posix.basename(p).replace(/\.[^.]+$/, '');
  if (entry) {
    const activity = stem(file);
    const inner = entry.split('/resource/')[1] ?? path.posix.basename(entry);
    return `gcompris-${activity}-${inner
      .replace(/^images\//, '')
      .replace(/\.[^.]+$/, '')
      .replace(/\//g, '-')}`;
  }
  // plasma wallpapers are <name>/contents/images/<size>.jpg
  const name = file.includes('/contents/images/') ? file.split('/contents/images/')[0].split('/').pop()! : stem(file);
  return `${pkg}-${name}`;
}

export function readPhotoSources(file = SOURCES_FILE): PhotoSource[] {
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  const out = lines.slice(1).map((line, i) => {
    const [pkg, p, entry, group] = line.split('\t');
    if (!pkg || !p || !group)
      throw new Error(`${repoRelative(file)} line ${i + 2}: expected package, file, entry, group`);
    return { id: photoId(pkg, p, entry ?? ''), package: pkg, path: p, ...(entry ? { entry } : {}), group };
  });
  const ids = new Set<string>();
  for (const s of out) {
    if (ids.has(s.id)) throw new Error(`${repoRelative(file)}: two sources get the id '${s.id}'`);
    ids.add(s.id);
  }
  return out;
}

/** Photos that may show the same picture (the same file name in two gcompris activities) share a key, hence a split. */
function duplicateKey(s: PhotoSource): string {
  return s.entry ? path.posix.basename(s.entry).toLowerCase() : s.id;
}

/**
 * A split by photo: within each group (data/photos/sources.tsv), a seeded shuffle of the duplicate keys, the first
 * 20 % to test, the next 10 % to validation, the rest to train. Photos showing people (matplotlib's portrait) are
 * kept in train, where they are only background texture. Written once to data/photos/split.json and committed.
 */
export function makePhotoSplit(sources: readonly PhotoSource[], seed: number): PhotoSplitFile {
  const out: PhotoSplitFile = {
    description:
      'photo library split by photo (lib/data/photos.ts makePhotoSplit); made by `npx tsx scripts/fetch-photos.ts ' +
      '--write-split`',
    seed,
    train: [],
    validation: [],
    test: [],
  };
  const groups = [...new Set(sources.map((s) => s.group))];
  for (const g of groups) {
    const inGroup = sources.filter((s) => s.group === g);
    const keys = [...new Set(inGroup.map(duplicateKey))].sort();
    const rng = new Prng(seed + groups.indexOf(g));
    for (let i = keys.length - 1; i > 0; i--) {
      const j = rng.int(0, i + 1);
      [keys[i], keys[j]] = [keys[j], keys[i]];
    }
    const nTest = Math.round(keys.length * 0.2);
    const nVal = Math.round(keys.length * 0.1);
    const splitOf = new Map(
      keys.map((k, i) => [k, i < nTest ? 'test' : i < nTest + nVal ? 'validation' : 'train'] as const),
    );
    for (const s of inGroup) out[g === 'matplotlib' ? 'train' : splitOf.get(duplicateKey(s))!].push(s.id);
  }
  for (const k of PHOTO_SPLITS) out[k].sort();
  return out;
}

export function readPhotoSplit(file = SPLIT_FILE): PhotoSplitFile {
  const split = JSON.parse(fs.readFileSync(file, 'utf8')) as PhotoSplitFile;
  const seen = new Map<string, string>();
  for (const k of PHOTO_SPLITS) {
    if (!Array.isArray(split[k])) throw new Error(`${repoRelative(file)}: no '${k}' list`);
    for (const id of split[k]) {
      if (seen.has(id)) throw new Error(`${repoRelative(file)}: photo '${id}' is in both ${seen.get(id)} and ${k}`);
      seen.set(id, k);
    }
  }
  return split;
}

export function readPhotoManifest(dir = photoLibraryDir()): PhotoManifest {
  const file = path.join(dir, 'manifest.json');
  if (!fs.existsSync(file)) throw new Error(missingLibraryMessage(dir));
  return JSON.parse(fs.readFileSync(file, 'utf8')) as PhotoManifest;
}

const loaded = new Map<string, Photo[]>();

/** The photos of one split, long side resized to LIBRARY_LONG_SIDE, in split-list order (cached per process). */
export async function loadPhotos(split: PhotoSplit, dir = photoLibraryDir()): Promise<Photo[]> {
  const key = `${dir}|${split}`;
  const hit = loaded.get(key);
  if (hit) return hit;
  const manifest = readPhotoManifest(dir);
  const byId = new Map(manifest.photos.map((p) => [p.id, p]));
  const out: Photo[] = [];
  for (const id of readPhotoSplit()[split]) {
    const entry = byId.get(id);
    if (!entry)
      throw new Error(
        `photo '${id}' of data/photos/split.json is not in the library: rebuild it with \`bash ` +
          `scripts/fetch-photos.sh\``,
      );
    const { data, info } = await sharp(path.join(dir, entry.file))
      .removeAlpha()
      .resize({ width: LIBRARY_LONG_SIDE, height: LIBRARY_LONG_SIDE, fit: 'inside' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    out.push({
      id,
      height: info.height,
      width: info.width,
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    });
  }
  loaded.set(key, out);
  return out;
}

/** Smallest crop, as a share of the largest window of the output's aspect: crops between this and the whole. */
export const MIN_CROP_SCALE = 0.3;

/** A height x width background: a crop of the photo's aspect-matched window whose short side is s * the photo's
 *  short side (s log-uniform in [MIN_CROP_SCALE, 1]), at a uniform position, resized (antialiased), mirrored
 *  left-right with probability 1/2. */
export function photoCrop(photo: Photo, rng: Prng, height: number, width: number): Raster {
  const scale = Math.exp(rng.uniform(Math.log(MIN_CROP_SCALE), 0));
  const fit = Math.min(photo.height / height, photo.width / width); // the largest window of the output's aspect
  const ch = Math.max(1, Math.min(photo.height, Math.round(height * fit * scale)));
  const cw = Math.max(1, Math.min(photo.width, Math.round(width * fit * scale)));
  const top = rng.int(0, photo.height - ch + 1);
  const left = rng.int(0, photo.width - cw + 1);
  const flip = rng.chance(0.5);
  const data = new Float32Array(ch * cw * 3);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const s = ((top + y) * photo.width + left + (flip ? cw - 1 - x : x)) * 3;
      const t = (y * cw + x) * 3;
      for (let c = 0; c < 3; c++) data[t + c] = photo.data[s + c] / 255;
    }
  }
  const out = resize({ height: ch, width: cw, channels: 3, data }, height, width);
  // rounding of the filter
  for (let i = 0; i < out.data.length; i++) out.data[i] = Math.min(1, Math.max(0, out.data[i]));
  return out;
}

/** An RGBA cutout as a sprite: colour where alpha >= 128. */
export async function readCutout(file: string): Promise<Sprite> {
  const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const n = info.height * info.width;
  const rgb = new Float32Array(n * 3);
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) rgb[3 * i + c] = data[4 * i + c] / 255;
    mask[i] = data[4 * i + 3] >= 128 ? 1 : 0;
  }
  return { height: info.height, width: info.width, rgb, mask };
}

/** The Tux Paint fireman cutouts of the library. */
export async function loadFiremen(dir = photoLibraryDir()): Promise<Sprite[]> {
  return Promise.all(readPhotoManifest(dir).people.map((p) => readCutout(path.join(dir, p.file))));
}
