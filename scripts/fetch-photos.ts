// Builds the photo library from the Debian packages that scripts/fetch-photos.sh downloaded and unpacked into
// data/cache/photos/root: every photograph listed in data/photos/sources.tsv is decoded (JPEG, PNG, or WebP inside
// a gcompris Qt resource file, lib/data/qres.ts), its long side capped at 1024 px, and written as a quality-92 JPEG
// to data/cache/photos/library/<id>.jpg; the two Tux Paint fireman cutouts are copied as RGBA PNGs. The manifest
// (library/manifest.json, lib/data/photos.ts PhotoManifest) records package, path, licence and credit of each file:
// gcompris files from the README stanzas beside them in the resource file (else, as for the other packages, from
// the package's DEP-5 copyright file). Files already written are kept, so a re-run only writes what is missing;
// the manifest is last.
// Then the vtest.avi extraction (lib/data/vtest.ts) writes its plate, silhouettes and cutouts, unless present.
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { readQres, type QresEntry } from '../lib/data/qres';
import { writeFileAtomic, writeJsonAtomic } from '../lib/io/atomicWrite';
import { repoPath, repoRelative } from '../lib/io/repoRoot';
import {
  PHOTO_SPLITS,
  type PhotoEntry,
  type PhotoManifest,
  type PersonCutoutEntry,
  makePhotoSplit,
  photoLibraryDir,
  readPhotoSources,
  readPhotoSplit,
} from '../lib/data/photos';
import { extractVtest, VTEST_AVI } from '../lib/data/vtest';

const MAX_SIDE = 1024;
const SPLIT_SEED = 14;
const ROOT = repoPath('data', 'cache', 'photos', 'root');
const FIREMEN = [
  'usr/share/tuxpaint/stamps/people/fireman200b.png',
  'usr/share/tuxpaint/stamps/people/fireman240a.png',
];

interface Licence {
  license: string;
  credit: string;
  source?: string;
}

/** Blank-line separated "Field: value" stanzas (continuation lines belong to the last field). */
function stanzas(text: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const block of text.split(/\r?\n\s*\r?\n/)) {
    const fields: Record<string, string> = {};
    let last = '';
    for (const line of block.split(/\r?\n/)) {
      const m = line.match(/^([A-Za-z-]+):\s*(.*)$/);
      if (m) {
        last = m[1];
        fields[last] = m[2].trim();
      } else if (last && line.trim()) fields[last] += ` ${line.trim()}`;
    }
    if (Object.keys(fields).length) out.push(fields);
  }
  return out;
}

/** gcompris READMEs: resource path -> licence, from every README in the resource file. */
function qresLicences(entries: QresEntry[]): Map<string, Licence> {
  const out = new Map<string, Licence>();
  for (const e of entries) {
    if (path.posix.basename(e.path) !== 'README') continue;
    const dir = path.posix.dirname(e.path);
    for (const s of stanzas(e.read().toString('utf8'))) {
      if (!s.Files || !s.License) continue;
      for (const f of s.Files.split(/\s+/))
        out.set(`${dir}/${f}`, { license: s.License, credit: s.Copyright ?? '', source: s.Source });
    }
  }
  return out;
}

/**
 * DEP-5 copyright file: the last stanza whose Files pattern matches the end of `file`, or its name (last match wins).
 */
function dep5Licence(pkg: string, file: string): Licence {
  const copyright = path.join(ROOT, 'usr/share/doc', pkg, 'copyright');
  if (!fs.existsSync(copyright)) throw new Error(`${copyright} is missing: run scripts/fetch-photos.sh, not this file`);
  let found: Licence | undefined;
  for (const s of stanzas(fs.readFileSync(copyright, 'utf8'))) {
    if (!s.Files || !s.License) continue;
    for (const pattern of s.Files.split(/\s+/)) {
      const glob = (g: string) =>
        new RegExp(
          `(^|/)${g
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}$`,
        );
      // source trees differ from the installed layout (lomiri: 16.04/x.jpg is installed as backgrounds/x.jpg)
      const base = path.posix.basename(pattern);
      if (pattern === '*' || glob(pattern).test(file) || (base !== '*' && glob(base).test(path.posix.basename(file)))) {
        found = { license: s.License.trim().slice(0, 120), credit: s.Copyright ?? '' };
      }
    }
  }
  if (!found) throw new Error(`${copyright}: no Files stanza covers ${file}`);
  return found;
}

async function writeCapped(input: Buffer, file: string): Promise<{ width: number; height: number }> {
  if (!fs.existsSync(file)) {
    const buf = await sharp(input)
      .rotate()
      .removeAlpha()
      .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 92, chromaSubsampling: '4:4:4' })
      .toBuffer();
    writeFileAtomic(file, buf);
  }
  const meta = await sharp(file).metadata();
  return { width: meta.width!, height: meta.height! };
}

(async () => {
  if (process.argv.includes('--write-split')) {
    const file = repoPath('data', 'photos', 'split.json');
    writeJsonAtomic(file, makePhotoSplit(readPhotoSources(), SPLIT_SEED));
    const s = readPhotoSplit(file);
    console.log(
      `fetch-photos: wrote ${repoRelative(file)}: ${PHOTO_SPLITS.map((k) => `${s[k].length} ${k}`).join(', ')}`,
    );
    return;
  }
  const out = photoLibraryDir();
  fs.mkdirSync(out, { recursive: true });
  const rccCache = new Map<string, { entries: Map<string, QresEntry>; licences: Map<string, Licence> }>();
  const photos: PhotoEntry[] = [];
  for (const src of readPhotoSources()) {
    const file = path.join(ROOT, src.path);
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run scripts/fetch-photos.sh, not this file`);
    let bytes: Buffer;
    let licence: Licence;
    if (src.entry) {
      let rcc = rccCache.get(file);
      if (!rcc) {
        const list = readQres(fs.readFileSync(file), file);
        rcc = { entries: new Map(list.map((e) => [e.path, e])), licences: qresLicences(list) };
        rccCache.set(file, rcc);
      }
      const entry = rcc.entries.get(src.entry);
      if (!entry) throw new Error(`${src.path} has no entry ${src.entry}`);
      bytes = entry.read();
      // a few monuments have no README stanza: then the package's copyright file covers them
      licence = rcc.licences.get(src.entry) ?? dep5Licence(src.package, src.entry);
    } else {
      bytes = fs.readFileSync(file);
      licence = dep5Licence(src.package, src.path);
    }
    const name = `${src.id}.jpg`;
    const { width, height } = await writeCapped(bytes, path.join(out, name));
    photos.push({
      ...src,
      file: name,
      width,
      height,
      license: licence.license,
      credit: licence.credit,
      source: licence.source,
    });
  }
  const people: PersonCutoutEntry[] = [];
  fs.mkdirSync(path.join(out, 'people'), { recursive: true });
  for (const rel of FIREMEN) {
    const name = `people/${path.basename(rel)}`;
    if (!fs.existsSync(path.join(out, name)))
      writeFileAtomic(path.join(out, name), fs.readFileSync(path.join(ROOT, rel)));
    const l = dep5Licence('tuxpaint-stamps-default', rel);
    people.push({ file: name, package: 'tuxpaint-stamps-default', path: rel, license: l.license, credit: l.credit });
  }
  const manifest: PhotoManifest = {
    description:
      `photographs from Debian packages (data/photos/sources.tsv), long side <= ${MAX_SIDE} px, ` +
      `made by scripts/fetch-photos.sh`,
    photos,
    people,
  };
  writeJsonAtomic(path.join(out, 'manifest.json'), manifest);
  const bytes = photos.reduce((s, e) => s + fs.statSync(path.join(out, e.file)).size, 0);
  console.log(
    `fetch-photos: ${photos.length} photos (${(bytes / 2 ** 20).toFixed(0)} MiB) ` +
      `and ${people.length} cutouts in ${repoRelative(out)}`,
  );
  const avi = path.join(ROOT, VTEST_AVI);
  if (!fs.existsSync(avi)) throw new Error(`${avi} is missing: run scripts/fetch-photos.sh, not this file`);
  await extractVtest(avi);
})().catch((e) => {
  console.error(`fetch-photos: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
