#!/usr/bin/env bash
# Table IV and V trainings (paper Sec. III-C, IV-D/E): the joint network (MediaPipe's pretrained person segmenter +
# the shipped photo-trained edge, seg and image inpainters, checkpoints/cpu) fine-tuned end to end under Eq. 10 with
# the mask expansion loss at alpha = A (lambda_X = 1000), or without it; every arm from the same starting weights and
# seed, at the cpu preset on the photo data. The image inpainter keeps the losses it was trained with (L1 alone:
# checkpoints/README.md), so the arms differ only in L_X.
#   bash scripts/experiments/table4.sh ARM [ARM...]     ARM = alpha0.01 | alpha0.03 | alpha0.05 | alpha0.07 | nomel
#                                                      | segmenter-lps | refiner-alphaA | refiner-nomel
# refiner-*: the same joint training with the Telea-refiner image inpainter (--image-inpainter telea-refiner, the
# shipped checkpoints/cpu/image) in place of the paper's EdgeConnect one (checkpoints/cpu/image-edgeconnect).
# segmenter-lps: the pretrained segmenter fine-tuned alone on L_PS (the segmenter stage), for the segmenter
# comparison of Table V. 600 steps each (the first 300 were run, evaluated on a few items, then resumed to 600).
# Resumable: a finished arm is skipped, a started one resumed; runs in runs/table4/ARM (refiner arms in
# runs/table4-refiner/ARM), one wasm thread each.
set -euo pipefail
source "$(dirname "$0")/lib.sh" # train
cd "$(dirname "$0")/../.."
STEPS=${STEPS_JOINT:-600}
for arm in "$@"; do
  # the paper's design: the EdgeConnect image inpainter; refiner-*: the Telea refiner (the shipped image inpainter)
  image=(--init-image checkpoints/cpu/image-edgeconnect)
  dir=runs/table4
  if [[ $arm == refiner-* ]]; then
    image=(--image-inpainter telea-refiner --init-image checkpoints/cpu/image)
    dir=runs/table4-refiner # scored on their own: npm run reproduce -- --only table4 --arms runs/table4-refiner
  fi
  case $arm in
    alpha0.0[1357] | refiner-alpha0.0[1357]) mel=(--alpha "${arm#*alpha}") ;;
    nomel | refiner-nomel) mel=(--no-mel) ;;
    segmenter-lps) mel=() ;;
    *)
      echo "table4: unknown arm '$arm' (alpha0.01, alpha0.03, alpha0.05, alpha0.07, nomel, segmenter-lps;" \
        "refiner-alphaA, refiner-nomel)" >&2
      exit 2
      ;;
  esac
  if [ "$arm" = segmenter-lps ]; then
    train segmenter "$dir/$arm" "$STEPS" --segmenter pretrained --checkpoint-every 50
  else
    train joint "$dir/$arm" "$STEPS" --checkpoint-every 50 --weights lambdaIG=0,lambdaIF=0,lambdaIS=0 \
      "${mel[@]}" "${image[@]}" --init-edge checkpoints/cpu/edge --init-segInpainter checkpoints/cpu/segInpainter
  fi
done
