#!/usr/bin/env bash
# One-time (idempotent) setup: node packages, Jupyter + chromium, the tslab kernel.
# Run as your normal user: it calls sudo only for apt-get (as root it runs apt-get directly). Where apt is
# absent it prints the pip command instead.
# A second run skips every step that is already done and takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

say() { echo "setup: $*"; }

# 1. node_modules: `npm ci` when missing or stale. npm records what it installed in
#    node_modules/.package-lock.json; stale = a non-optional package of package-lock.json is absent
#    there or has another version (optional ones, e.g. tfjs-node or other platforms' binaries, may be absent).
lock_matches() {
  node -e '
    const want = require("./package-lock.json").packages;
    const have = require("./node_modules/.package-lock.json").packages;
    const stale = Object.entries(want).filter(([k, v]) => k && !v.optional && have[k]?.version !== v.version);
    process.exit(stale.length ? 1 : 0);' 2>/dev/null
}
if [ -f node_modules/.package-lock.json ] && lock_matches; then
  say "node_modules matches package-lock.json (skip npm ci)"
else
  say "running npm ci"
  npm ci
fi

# 2. Jupyter (nbconvert executes notebooks headlessly), chromium and the figures' font (static figure export).
DEB_PKGS="jupyter-core jupyter-client jupyter-nbconvert python3-nbconvert python3-nbclient python3-ipykernel chromium fonts-dejavu-core libdnnl-dev ffmpeg"
if command -v dpkg >/dev/null && command -v apt-get >/dev/null; then
  missing=""
  for p in $DEB_PKGS; do
    dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    say "installing Debian packages:$missing"
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends $missing
  else
    say "Debian packages present (skip apt):" $DEB_PKGS
  fi
elif ! "$PY" -c 'import nbconvert, nbclient, ipykernel' 2>/dev/null; then
  say "no apt here. Install Jupyter with pip, then re-run this script:"
  echo "    $PY -m pip install jupyter_core jupyter_client nbconvert nbclient ipykernel"
  echo "  and for static figures a Chromium/Chrome; set CHROMIUM_PATH if it is not /usr/bin/chromium."
  exit 1
fi

bash scripts/build-native.sh # oneDNN kernels for the wasm backend (native/README.md); skipped with a message if it cannot build

# 3. The tslab kernel spec, inside the project (.jupyter/ is gitignored), never in the user's home.
#    kernel.json holds the absolute path of node_modules/.bin/tslab: re-register if the repo moved.
KERNEL_JSON=.jupyter/share/jupyter/kernels/tslab/kernel.json
TSLAB_BIN=$ROOT/node_modules/.bin/tslab
if [ -f "$KERNEL_JSON" ] && grep -qF "\"$TSLAB_BIN\"" "$KERNEL_JSON"; then
  say "tslab kernel already registered in .jupyter (skip)"
else
  say "registering the tslab kernel in $ROOT/.jupyter"
  npx tslab install --python="$PY" --binary="$TSLAB_BIN" --prefix="$ROOT/.jupyter"
fi
specs=$(JUPYTER_PATH=$ROOT/.jupyter/share/jupyter jupyter kernelspec list 2>/dev/null)
grep -q '^ *tslab ' <<<"$specs" || { echo "setup: tslab kernel not visible to jupyter" >&2; exit 1; }
bash scripts/fetch-photos.sh # 4. the photo library and vtest.avi's people (data/cache/photos; ~1 s when built)
say "done. Run notebooks with: bash scripts/run-notebooks.sh [--inplace] [notebook...]"
