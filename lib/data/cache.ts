// On-disk cache of generated triplets (what `npm run bench:data` times against generating them; training and
// evaluation generate their items on the fly and do not read it):
//   data/cache/<name>/manifest.json        config + per-item mask ratio and bucket
//   data/cache/<name>/000123_image.png     I
//   data/cache/<name>/000123_background.png I_G
//   data/cache/<name>/000123_mask.png      M_G (0/255)
//   data/cache/<name>/000123_labels.png    labels of I:   R = semantic class, G = instance id low byte, B = high byte
//   data/cache/<name>/000123_bglabels.png  labels of I_G (same encoding)
// Images are 8-bit PNGs, so a cached triplet equals the generated one up to 1/255 quantisation; the manifest is
// written last (atomically), so a half-written cache is never taken as complete. data/cache is gitignored.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeImage, writeMask, readImage, readMask, readImageBytes, writeImageBytes } from '../image/io';
import { writeFileAtomic } from '../io/atomicWrite';
import { maskRatio } from '../image/raster';
import { type PanopticLabels, maxInstanceId } from './labels';
import { type Triplet, type TripletOptions, makeTriplet } from './triplets';
import type { SceneKind } from './scene';

export interface CacheConfig {
  seed: number;
  count: number;
  height: number;
  width: number;
  split: 'train' | 'test';
  /** Number of photo backgrounds used (0 = synthetic only); part of the key so caches do not mix. */
  photos: number;
}

interface CacheManifest {
  version: 1;
  config: CacheConfig;
  items: { index: number; maskRatio: number; bucket: number; personInstance: number; sceneKind: SceneKind }[];
}

const pad = (i: number) => String(i).padStart(6, '0');

async function writeLabels(file: string, l: PanopticLabels): Promise<void> {
  if (maxInstanceId(l) > 65535) throw new Error(`writeLabels: instance id above 65535 in ${file}`);
  const data = new Uint8Array(l.height * l.width * 3);
  for (let i = 0; i < l.semantic.length; i++) {
    data[3 * i] = l.semantic[i];
    data[3 * i + 1] = l.instance[i] & 255;
    data[3 * i + 2] = l.instance[i] >> 8;
  }
  await writeImageBytes(file, { height: l.height, width: l.width, channels: 3, data });
}

async function readLabels(file: string): Promise<PanopticLabels> {
  const img = await readImageBytes(file);
  if (img.channels < 3) throw new Error(`readLabels: ${file} must be an RGB label PNG, got ${img.channels} channel(s)`);
  const n = img.height * img.width;
  const semantic = new Uint8Array(n);
  const instance = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    semantic[i] = img.data[i * img.channels];
    instance[i] = img.data[i * img.channels + 1] | (img.data[i * img.channels + 2] << 8);
  }
  return { height: img.height, width: img.width, semantic, instance };
}

function readManifest(dir: string): CacheManifest | null {
  const file = path.join(dir, 'manifest.json');
  if (!fs.existsSync(file)) return null;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as CacheManifest;
  } catch (e) {
    throw new Error(`triplet cache: malformed JSON in ${file}: ${(e as Error).message}`);
  }
}

const sameConfig = (a: CacheConfig, b: CacheConfig) => JSON.stringify(a) === JSON.stringify(b);

/** Generate the dataset described by `config` into `dir` (overwriting); the manifest is written last. */
export async function writeTripletCache(
  dir: string,
  config: CacheConfig,
  opts: Pick<TripletOptions, 'scene'> = {},
): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const items: CacheManifest['items'] = [];
  for (let i = 0; i < config.count; i++) {
    const t = makeTriplet(config.seed, i, {
      height: config.height,
      width: config.width,
      split: config.split,
      scene: opts.scene,
    });
    const base = path.join(dir, pad(i));
    await writeImage(`${base}_image.png`, t.image);
    await writeImage(`${base}_background.png`, t.background);
    await writeMask(`${base}_mask.png`, t.mask);
    await writeLabels(`${base}_labels.png`, t.labels);
    await writeLabels(`${base}_bglabels.png`, t.backgroundLabels);
    items.push({
      index: i,
      maskRatio: t.maskRatio,
      bucket: t.bucket,
      personInstance: t.personInstance,
      sceneKind: t.sceneKind,
    });
  }
  const manifest: CacheManifest = { version: 1, config, items };
  writeFileAtomic(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
}

/** Read item `index` of a cached dataset. */
export async function readCachedTriplet(dir: string, index: number): Promise<Triplet> {
  const manifest = readManifest(dir);
  if (!manifest) throw new Error(`triplet cache: no manifest.json in ${dir}`);
  const item = manifest.items[index];
  if (!item) throw new Error(`triplet cache: item ${index} not in ${dir} (it has ${manifest.items.length})`);
  const base = path.join(dir, pad(index));
  const mask = await readMask(`${base}_mask.png`);
  return {
    image: await readImage(`${base}_image.png`),
    background: await readImage(`${base}_background.png`),
    mask,
    maskRatio: maskRatio(mask),
    bucket: item.bucket,
    labels: await readLabels(`${base}_labels.png`),
    backgroundLabels: await readLabels(`${base}_bglabels.png`),
    personInstance: item.personInstance,
    sceneKind: item.sceneKind,
  };
}

/** The cached dataset for `config` in `dir`: reuse it if its manifest has the same config, else (re)generate. */
export async function loadOrCreateTripletCache(
  dir: string,
  config: CacheConfig,
  opts: Pick<TripletOptions, 'scene'> = {},
): Promise<Triplet[]> {
  const expectedPhotos = opts.scene?.photos?.length ?? 0;
  if (config.photos !== expectedPhotos) {
    throw new Error(`triplet cache: config.photos = ${config.photos} but ${expectedPhotos} photo(s) were passed`);
  }
  const manifest = readManifest(dir);
  if (!manifest || !sameConfig(manifest.config, config)) await writeTripletCache(dir, config, opts);
  const out: Triplet[] = [];
  for (let i = 0; i < config.count; i++) out.push(await readCachedTriplet(dir, i));
  return out;
}
