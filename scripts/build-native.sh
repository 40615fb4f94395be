#!/usr/bin/env bash
# Builds the oneDNN addon (native/) with node-gyp against the local Node headers, offline.
# Needs a C++ compiler, make, python3 and oneDNN (Debian: apt-get install libdnnl-dev). Where the build
# fails the project still runs on plain wasm kernels (initBackend says so); this script then exits 0 unless
# --strict is given, so set-up goes on.
set -uo pipefail
cd "$(dirname "$0")/../native"
strict=0
[ "${1:-}" = "--strict" ] && strict=1
say() { echo "build-native: $*"; }
fail() {
  say "$* — the native kernels are not built; training runs on plain wasm kernels (slower)."
  [ $strict -eq 1 ] && exit 1
  exit 0
}

# node-gyp: the copy bundled with npm (no download), else one on PATH.
npm_root=$(npm root -g 2>/dev/null)
GYP="$npm_root/npm/node_modules/node-gyp/bin/node-gyp.js"
if [ -f "$GYP" ]; then GYP=(node "$GYP"); elif command -v node-gyp >/dev/null; then GYP=(node-gyp); else
  fail "node-gyp not found (it ships with npm)"
fi
# The headers of the running Node (Debian/NodeSource: /usr/include/node). Without them node-gyp would download them.
prefix=$(node -p "require('path').resolve(process.execPath, '../..')")
nodedir=()
[ -f "$prefix/include/node/node_api.h" ] && nodedir=(--nodedir="$prefix")
[ -f /usr/include/oneapi/dnnl/dnnl.hpp ] || [ -n "${CPATH:-}" ] ||
  say "warning: oneDNN headers not in /usr/include (Debian: apt-get install libdnnl-dev)"

if [ -f build/Release/tfjs_onednn.node ] && [ build/Release/tfjs_onednn.node -nt src/addon.cc ] &&
  [ build/Release/tfjs_onednn.node -nt binding.gyp ]; then
  say "native/build/Release/tfjs_onednn.node is up to date (skip)"
  exit 0
fi
say "building native/ (node-gyp ${nodedir[*]:-})"
"${GYP[@]}" rebuild "${nodedir[@]}" --loglevel=warn || fail "node-gyp failed (see above)"
node -e "console.log('build-native: oneDNN ' + require('./build/Release/tfjs_onednn.node').version() + ' addon ok')" ||
  fail "the addon built but does not load"
