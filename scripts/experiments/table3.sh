#!/usr/bin/env bash
# Table III trainings (paper Sec. IV-C): Table II's random-mask network (runs/table2/random-s0) fine-tuned on the
# first N object-mask pairs of the photo data (--pairs N: items 0..N-1, reshuffled per epoch), every part for the
# same steps whatever N: edge 300, segInpainter 150, image 1,000 (snapshots every 250; the image part used is the mean of the
# four, the rule of Table II). N: the paper's shares of its 118k COCO pairs (20k, 60k, 100k, 110k) of our 20,000
# training pairs (3381, 10143, 16906, 18597), and 100 and 1,000 where the curve may bend. N = 0 is random-s0 itself.
#   bash scripts/experiments/table3.sh N [N...]
# Resumable; runs in runs/table3/pairsN/{edge,segInpainter,image-run,image}; one wasm thread per invocation.
set -euo pipefail
source "$(dirname "$0")/lib.sh" # train
cd "$(dirname "$0")/../.."
FROM=runs/table2/random-s0
for part in edge segInpainter image; do
  [ -f "$FROM/$part/ckpt.json" ] || { echo "table3: $FROM/$part is missing: run scripts/experiments/table2.sh random-s0 first" >&2; exit 2; }
done

for n in "$@"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "table3: N must be a positive whole number, got '$n'" >&2; exit 2; }
  dir=runs/table3/pairs$n
  train edge "$dir/edge" 300 --init "$FROM/edge" --masks object --pairs "$n"
  train segInpainter "$dir/segInpainter" 150 --init "$FROM/segInpainter" --masks object --pairs "$n"
  train image "$dir/image-run" 1000 --init "$FROM/image" --masks object --pairs "$n" --keep-every 250
  if [ ! -f "$dir/image/ckpt.json" ]; then
    npm run --silent average-checkpoints -- --out "$dir/image" "$dir"/image-run/snapshots/step-00{0250,0500,0750,1000}
  fi
done
