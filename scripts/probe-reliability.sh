#!/usr/bin/env bash
# Probes the CLIs as a careless user would (docs/robustness.md lists the cases and what each must give): wrong flags,
# wrong files, wrong images, kills at random moments, two processes at once, a full disk and a read-only folder
# (both on a small tmpfs: needs root, skipped otherwise). Tiny preset; everything is written under a temporary
# folder. Prints one line per case: the case, the exit status, the last line of stderr (the error, if any).
#   bash scripts/probe-reliability.sh            # all cases (about 3 min on 2 cores)
set -u
cd "$(dirname "$0")/.."
P=$(mktemp -d /tmp/probe-reliability-XXXXXX)
TRAIN=(node --import tsx lib/cli/train.ts --preset tiny)
tsx() { node --import tsx "$@"; }
train() { "${TRAIN[@]}" "$@"; }
say() { printf '%-44s exit %-3s %s\n' "$1" "$2" "$(tr '\r' '\n' <"$3" | grep -v '^tfjs backend' | grep . | tail -1 | cut -c1-220)"; }
case_() { # case_ NAME COMMAND...: runs it, prints status and the last stderr line
  local name=$1; shift
  "$@" >"$P/out" 2>"$P/err"
  say "$name" "$?" "$P/err"
}
sha() { node -e "console.log(require('$1/ckpt.json').sha256)"; }

echo "== wrong flags"
case_ 'train --alpha -5' train --stage joint --alpha -5 --out "$P/a"
case_ 'train --alpha=-5' train --stage joint --alpha=-5 --out "$P/a"
case_ 'train --steps 1e20' train --stage edge --steps 1e20 --out "$P/a"
case_ 'train --steps 0x10' train --stage edge --steps 0x10 --out "$P/a"
case_ 'train --stage' train --stage
case_ 'train --bogus' train --stage edge --bogus
case_ 'train (no --stage)' train
case_ 'train --weights alpha=0.5 (edge)' train --stage edge --weights alpha=0.5 --out "$P/a"
case_ 'train --alpha and --weights alpha=' train --stage joint --alpha 0.05 --weights alpha=0.2 --out "$P/a"
case_ 'train --no-mel and --weights lambdaX=0' train --stage joint --no-mel --weights lambdaX=0 --out "$P/a"
case_ 'train --threads abc' train --stage edge --threads abc
case_ 'reproduce --threads abc' tsx lib/cli/reproduce.ts --threads abc --inpainter telea
case_ 'reproduce --only table1,' tsx lib/cli/reproduce.ts --only table1,
case_ 'reproduce --inpainter bogus' tsx lib/cli/reproduce.ts --inpainter bogus
case_ 'select-checkpoint --candidates A,' tsx lib/cli/selectCheckpoint.ts --part image --candidates checkpoints/cpu/image, \
  --checkpoints edge=checkpoints/cpu/edge,segInpainter=checkpoints/cpu/segInpainter
case_ 'figures --results' tsx lib/cli/figures.ts --results
case_ 'figures --preset bogus' tsx lib/cli/figures.ts --preset bogus
case_ 'export-weights (no run)' tsx lib/cli/exportWeights.ts
case_ 'average-checkpoints (no --out)' tsx lib/cli/averageCheckpoints.ts a b
case_ 'train --help' train --help

echo "== wrong files"
train --stage edge --steps 4 --checkpoint-every 2 --keep-every 2 --out "$P/edge" 2>/dev/null
train --stage seg --steps 2 --out "$P/seg" 2>/dev/null
tsx lib/cli/exportWeights.ts "$P/edge" --out "$P/export-edge" >/dev/null 2>&1
case_ 'train --init <a .bin>' train --stage edge --steps 5 --init "$(ls "$P"/edge/ckpt-*.bin)" --out "$P/b"
case_ 'train --init <an export folder>' train --stage edge --steps 5 --init "$P/export-edge" --out "$P/b"
case_ 'train --init <missing>' train --stage edge --steps 5 --init "$P/nothing" --out "$P/b"
case_ '  ... leaves no --out folder' test ! -e "$P/b"
case_ 'train --resume <no checkpoint>' train --stage edge --resume --out "$P/nothing"
case_ 'train --out <a file>' train --stage edge --out "$P/out"
case_ 'train --out <an export folder>' train --stage edge --out "$P/export-edge"
case_ 'train (again, no --resume)' train --stage edge --steps 6 --out "$P/edge"
case_ 'average --out <the run folder>' tsx lib/cli/averageCheckpoints.ts --out "$P/edge" "$P"/edge/snapshots/*
case_ 'average --out <a source>' tsx lib/cli/averageCheckpoints.ts --out "$P/edge/snapshots/step-000002" "$P"/edge/snapshots/*
case_ '  ... the run still resumes' train --stage edge --steps 6 --resume --out "$P/edge"
case_ 'export <seg> --out <edge export>' tsx lib/cli/exportWeights.ts "$P/seg" --out "$P/export-edge"
case_ 'export --out <a run folder>' tsx lib/cli/exportWeights.ts "$P/seg" --out "$P/edge"
cp -r "$P/edge" "$P/edge-swap"
node -e "const f='$P/edge-swap/ckpt.json',m=require(f),t=m.tensors;[t[0].offset,t[1].offset]=[t[1].offset,t[0].offset];require('fs').writeFileSync(f,JSON.stringify(m))"
case_ 'resume: swapped tensor offsets' train --stage edge --steps 8 --resume --out "$P/edge-swap"
cp -r "$P/edge" "$P/edge-nolog"; rm "$P/edge-nolog/log.jsonl"
case_ 'resume: log.jsonl deleted' train --stage edge --steps 8 --resume --out "$P/edge-nolog"
case_ 'resume on another backend (cpu)' train --stage edge --steps 8 --resume --backend cpu --out "$P/edge"
case_ 'resume with other native setting' env TFJS_NATIVE=0 node --import tsx lib/cli/train.ts --preset tiny --stage edge --steps 8 \
  --resume --out "$P/edge"
cp -r checkpoints/cpu/resume/seg-cpu "$P/seg-cpu"
case_ 'committed run, default settings' node --import tsx lib/cli/train.ts --preset cpu --stage seg --steps 3001 --resume --out "$P/seg-cpu"
case_ 'committed run, as it was made: resumes' env TFJS_NATIVE=0 node --import tsx lib/cli/train.ts --preset cpu --stage seg \
  --data procedural --steps 3001 --resume --out "$P/seg-cpu"

echo "== wrong images"
printf 'not an image' > "$P/mask.png"
case_ 'readMask <a text file>' tsx -e "require('./lib/image/io').readMask('$P/mask.png').catch((e)=>{console.error(e.message);process.exit(1)})"
case_ 'readMask <a folder>' tsx -e "require('./lib/image/io').readMask('$P').catch((e)=>{console.error(e.message);process.exit(1)})"
case_ 'readMask threshold 300' tsx -e "require('./lib/image/io').readMask('figures/00_quickstart.png',300).catch((e)=>{console.error(e.message);process.exit(1)})"
case_ 'readMask <a photo, no threshold>' tsx -e "require('./lib/image/io').readMask('figures/00_quickstart.png').catch((e)=>{console.error(e.message);process.exit(1)})"

echo "== kills and interrupts"
train --stage edge --steps 60 --checkpoint-every 5 --out "$P/straight" 2>/dev/null
kills=()
for k in 1 2 3 4; do # node itself in the background (a shell function would be a subshell: the kill would miss node)
  "${TRAIN[@]}" --stage edge --steps 60 --checkpoint-every 5 --out "$P/killed" $([ -e "$P/killed/ckpt.json" ] && echo --resume) 2>/dev/null &
  pid=$!; sleep "$(node -e 'console.log((4 + Math.random() * 5).toFixed(2))')"; kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  kills+=("$(node -e "try { console.log(require('$P/killed/ckpt.json').meta.step) } catch { console.log('-') }")")
done
train --stage edge --steps 60 --checkpoint-every 5 --resume --out "$P/killed" 2>/dev/null
case_ "4 SIGKILLs (ckpt at ${kills[*]}) + resume = straight" test "$(sha "$P/straight")" = "$(sha "$P/killed")"
set -m # a background job of a script ignores SIGINT unless job control is on
"${TRAIN[@]}" --stage edge --steps 100000 --out "$P/int" 2>"$P/int.err" & pid=$!; sleep 8; kill -INT "$pid"; wait "$pid"
say 'SIGINT during training' "$?" "$P/int.err"
set +m
case_ '  ... resumes' train --stage edge --steps $(( $(node -e "console.log(require('$P/int/ckpt.json').meta.step)") + 1 )) \
  --resume --out "$P/int"
"${TRAIN[@]}" --stage edge --steps 100000 --out "$P/two" 2>/dev/null & pid=$!; sleep 8
case_ 'a second process on the same run' train --stage edge --steps 100000 --resume --out "$P/two"
kill -9 "$pid"; wait "$pid" 2>/dev/null

if [ "$(id -u)" = 0 ] && mkdir -p "$P/disk" && mount -t tmpfs -o size=2m tmpfs "$P/disk"; then
  echo "== a full disk (2 MB tmpfs) and a read-only folder"
  train --stage edge --steps 4 --checkpoint-every 2 --out "$P/disk/run" 2>/dev/null
  head -c $(( $(df --output=avail -B1 "$P/disk" | tail -1) - 4096 )) /dev/zero > "$P/disk/filler" 2>/dev/null
  case_ 'resume on a full disk' train --stage edge --steps 8 --checkpoint-every 2 --resume --out "$P/disk/run"
  case_ '  ... no .tmp left' test -z "$(find "$P/disk/run" -name '*.tmp')"
  rm "$P/disk/filler"
  case_ '  ... resumes once there is space' train --stage edge --steps 8 --checkpoint-every 2 --resume --out "$P/disk/run"
  mount -o remount,ro "$P/disk"
  case_ 'train --out <read-only folder>/new' train --stage edge --steps 2 --out "$P/disk/new"
  case_ 'export --out <read-only folder>/new' tsx lib/cli/exportWeights.ts "$P/edge" --out "$P/disk/new"
  umount "$P/disk"
fi
rm -rf "$P"
