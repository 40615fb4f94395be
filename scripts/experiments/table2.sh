#!/usr/bin/env bash
# Table II trainings (paper Sec. IV-B): the inpainting network (edge, segInpainter and image inpainters) trained from scratch
# at the cpu preset on the photo data, with object masks or with random free-form masks (their ratio drawn in the
# item's bucket, lib/train/batches.ts), seeds 0 and 1, everything else equal.
#   bash scripts/experiments/table2.sh ARM [ARM...]     ARM = object-s0 | random-s0 | object-s1 | random-s1
# Each arm: edge 2,000 steps, segInpainter 1,000, image 4,000 (snapshots every 500). The image part used is the mean of the
# last four snapshots (2,500-4,000): a rule fixed before any result, the same for every arm (consecutive snapshots
# scatter by up to +-0.25 dB at this scale). Resumable: an arm's finished parts are skipped, a started one resumed.
# Runs in runs/table2/ARM/{edge,segInpainter,image-run,image}; one wasm thread per arm (run two arms at once on two cores).
set -euo pipefail
source "$(dirname "$0")/lib.sh" # train
cd "$(dirname "$0")/../.."
STEPS_EDGE=${STEPS_EDGE:-2000}
STEPS_SEG=${STEPS_SEG:-1000}
STEPS_IMAGE=${STEPS_IMAGE:-4000}

for arm in "$@"; do
  case $arm in
    object-s0 | object-s1 | random-s0 | random-s1) ;;
    *) echo "table2: unknown arm '$arm' (object-s0, random-s0, object-s1, random-s1)" >&2; exit 2 ;;
  esac
  masks=${arm%-s*}
  seed=${arm#*-s}
  dir=runs/table2/$arm
  train edge "$dir/edge" "$STEPS_EDGE" --masks "$masks" --seed "$seed"
  train segInpainter "$dir/segInpainter" "$STEPS_SEG" --masks "$masks" --seed "$seed"
  train image "$dir/image-run" "$STEPS_IMAGE" --masks "$masks" --seed "$seed" --keep-every 500
  if [ ! -f "$dir/image/ckpt.json" ]; then
    snaps=()
    for k in 0 1 2 3; do snaps+=("$(printf '%s/image-run/snapshots/step-%06d' "$dir" $((STEPS_IMAGE - 500 * k)))"); done
    npm run --silent average-checkpoints -- --out "$dir/image" "${snaps[@]}"
  fi
done
