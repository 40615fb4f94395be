#!/usr/bin/env bash
# Import CC-licensed background photos from Debian wallpaper packages into data/backgrounds/ (re-runnable).
# Installs the packages with apt-get when missing (needs root), then runs scripts/import-backgrounds.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS="lomiri-wallpapers-16.04 plasma-workspace-wallpapers mate-backgrounds"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "please install:$missing (apt-get, as root)" >&2; exit 1; fi
  apt-get update -qq
  apt-get install -y --no-install-recommends $missing
fi
npx tsx scripts/import-backgrounds.ts
