// Imports CC-licensed photographs from Debian wallpaper packages into data/backgrounds/ (longest side 256 px,
// JPEG) with data/backgrounds/manifest.json recording package, source file, copyright and licence of each.
// Licences are read from the packages' machine-readable /usr/share/doc/<pkg>/copyright: only files under a
// Creative Commons licence (CC-BY*, CC0) are taken; GPL artwork (plasma-workspace-wallpapers, mate-backgrounds)
// is skipped. Re-runnable: the folder is rewritten from scratch. Run via scripts/import-backgrounds.sh.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readImage, writeImage } from '../lib/image/io';
import { writeFileAtomic } from '../lib/io/atomicWrite';
import { resize } from '../lib/image/resize';
import type { BackgroundEntry, BackgroundManifest } from '../lib/data/backgrounds';

const PACKAGES: Record<string, string[]> = {
  // package -> folders its copyright "Files:" paths are relative to
  'lomiri-wallpapers-16.04': ['/usr/share/backgrounds', '/usr/share/wallpapers'],
  'plasma-workspace-wallpapers': ['/usr/share/wallpapers'],
  'mate-backgrounds': ['/usr/share/backgrounds/mate'],
};
// drawings and abstract patterns, not photographs of scenes
const NOT_PHOTOS = [
  'analogpattern_by_Peter_Nerlich.jpg',
  'free_by_Peter_Nerlich.jpg',
  'greentock_by_Peter_Nerlich.jpg',
  'umang_by_Abhishek_Mudgal.jpg',
];
const MAX_SIDE = 256;
const OUT = path.join(__dirname, '..', 'data', 'backgrounds');

interface Stanza {
  files: string[];
  copyright: string;
  license: string;
}

/** DEP-5 copyright file -> Files stanzas. */
function parseCopyright(text: string): Stanza[] {
  const out: Stanza[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const field = (name: string) => {
      const m = block.match(new RegExp(`^${name}:(.*(?:\\n[ \\t].*)*)`, 'm'));
      return m ? m[1].replace(/\n[ \t]+/g, ' ').trim() : '';
    };
    const files = field('Files');
    if (files) out.push({ files: files.split(/\s+/), copyright: field('Copyright'), license: field('License') });
  }
  return out;
}

function findFile(rel: string, roots: string[]): string | null {
  const base = path.basename(rel);
  for (const root of roots) {
    for (const candidate of [path.join(root, rel), path.join(root, base)])
      if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

(async () => {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const entries: BackgroundEntry[] = [];
  for (const [pkg, roots] of Object.entries(PACKAGES)) {
    const copyrightFile = `/usr/share/doc/${pkg}/copyright`;
    if (!fs.existsSync(copyrightFile)) {
      console.warn(`skip ${pkg}: not installed (${copyrightFile} missing)`);
      continue;
    }
    for (const st of parseCopyright(fs.readFileSync(copyrightFile, 'utf8'))) {
      if (!/^CC/i.test(st.license)) continue;
      for (const rel of st.files) {
        if (!/\.jpe?g$/i.test(rel) || rel.includes('*') || NOT_PHOTOS.includes(path.basename(rel))) continue;
        const src = findFile(rel, roots);
        if (!src) continue;
        const img = await readImage(src, 3);
        const k = MAX_SIDE / Math.max(img.height, img.width);
        const small = resize(img, Math.max(1, Math.round(img.height * k)), Math.max(1, Math.round(img.width * k)));
        const file = `${pkg}__${path.basename(rel).replace(/\.jpe?g$/i, '')}.jpg`;
        await writeImage(path.join(OUT, file), small, 85);
        entries.push({ file, package: pkg, source: rel, license: st.license, copyright: st.copyright });
        console.log(`${file}  ${st.license}`);
      }
    }
  }
  const manifest: BackgroundManifest = {
    description:
      'CC-licensed photographs from Debian wallpaper packages, resized to <= 256 px; ' +
      'made by scripts/import-backgrounds.sh',
    entries,
  };
  writeFileAtomic(path.join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 1));
  const bytes = entries.reduce((s, e) => s + fs.statSync(path.join(OUT, e.file)).size, 0);
  console.log(`wrote ${entries.length} photos (${(bytes / 1024).toFixed(0)} KiB) and manifest.json to ${OUT}`);
})();
