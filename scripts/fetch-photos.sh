#!/usr/bin/env bash
# Builds the photo library (lib/data/photos.ts) in data/cache/photos/ (gitignored), without root:
#   debs/     the Debian packages, by `apt-get download` (~490 MB; measured 2.5 s on this project's machines)
#   root/     the files we use from them, by `dpkg -x` (Tux Paint and opencv-doc: only the firemen and vtest.avi)
#   library/  the photographs, capped at 1024 px, manifest.json with licences; vtest/ the video's plate and people
# Idempotent: each step is skipped when its output is present; a second run takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=data/cache/photos
PKGS="gcompris-qt-data plasma-workspace-wallpapers mate-backgrounds lxqt-themes lomiri-wallpapers-16.04
  lomiri-wallpapers-20.04 palapeli-data python-matplotlib-data opencv-doc tuxpaint-stamps-default"
say() { echo "fetch-photos: $*"; }

STAMP=$DIR/library/.built-from
want=$(cat data/photos/sources.tsv scripts/fetch-photos.ts lib/data/qres.ts lib/data/vtest.ts | sha256sum | cut -c1-16)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  say "library up to date in $DIR/library (skip)"
  exit 0
fi
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || {
  echo "fetch-photos: needs Debian's apt-get and dpkg-deb; without them training and the photo test sets are unavailable" >&2
  exit 1
}
command -v ffmpeg >/dev/null || { echo "fetch-photos: needs ffmpeg to decode vtest.avi (apt-get install ffmpeg)" >&2; exit 1; }

mkdir -p "$DIR/debs" "$DIR/root"
missing=""
for p in $PKGS; do ls "$DIR/debs/${p}_"*.deb >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  say "downloading$missing"
  (cd "$DIR/debs" && apt-get download $missing 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
  for p in $missing; do ls "$DIR/debs/${p}_"*.deb >/dev/null 2>&1 || { echo "fetch-photos: apt-get download $p failed" >&2; exit 1; }; done
fi
for deb in "$DIR"/debs/*.deb; do
  done_mark="$DIR/root/.$(basename "$deb").done"
  [ -f "$done_mark" ] && continue
  case $(basename "$deb") in
    tuxpaint-stamps-default_*) dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$DIR/root" --wildcards \
      './usr/share/tuxpaint/stamps/people/fireman*.png' ./usr/share/doc/tuxpaint-stamps-default/copyright ;;
    opencv-doc_*) dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$DIR/root" \
      ./usr/share/doc/opencv-doc/examples/data/vtest.avi ./usr/share/doc/opencv-doc/copyright ;;
    *) dpkg -x "$deb" "$DIR/root" ;;
  esac
  touch "$done_mark"
done
npx tsx scripts/fetch-photos.ts
echo "$want" > "$STAMP"
