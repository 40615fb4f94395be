// Imported photographs (scripts/import-backgrounds.sh writes data/backgrounds/*.jpg + manifest.json).
// When present, scenes may use them as backgrounds, labelled as the single "photo" stuff class.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Raster } from '../image/raster';
import { readImage } from '../image/io';
import { resizeCover } from '../image/resize';

export interface BackgroundEntry {
  file: string; // relative to the manifest's folder
  package: string; // Debian package it came from
  source: string; // path inside the package
  license: string;
  copyright: string;
}

export interface BackgroundManifest {
  description: string;
  entries: BackgroundEntry[];
}

/** Photos listed in dir/manifest.json, resized (cover + center crop) to size x size, in manifest order.
 *  Returns [] when the folder or manifest does not exist (photos are optional). */
export async function loadBackgrounds(dir: string, size: number): Promise<Raster[]> {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) return [];
  let manifest: BackgroundManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as BackgroundManifest;
  } catch (e) {
    throw new Error(`loadBackgrounds: malformed JSON in ${manifestFile}: ${(e as Error).message}`);
  }
  if (!Array.isArray(manifest.entries)) throw new Error(`loadBackgrounds: ${manifestFile} has no "entries" list`);
  const out: Raster[] = [];
  for (const e of manifest.entries) {
    const img = await readImage(path.join(dir, e.file), 3);
    out.push(resizeCover(img, size, size));
  }
  return out;
}
