# Sourced by the table*.sh trainings beside it (after their cd to the repository root): what they share.

# train STAGE OUT STEPS ARGS...: `npm run train` at the cpu preset on one wasm thread into OUT: skipped if OUT's
# checkpoint has reached STEPS, resumed if it holds an earlier one, started otherwise. A resumed run keeps its own
# weights, so it goes without the --init* ARGS (train refuses --resume with --init).
train() {
  local stage=$1 out=$2 steps=$3
  shift 3
  local run=(npm run --silent train -- --stage "$stage" --preset cpu --steps "$steps" --out "$out" --threads 1)
  if [ -f "$out/ckpt.json" ]; then
    local at
    at=$(node -e 'console.log(require(process.argv[1]).meta.step)' "$PWD/$out/ckpt.json")
    [ "$at" -ge "$steps" ] && { echo "$(basename "$0" .sh): $out done ($at steps)"; return; }
    local kept=()
    while (($#)); do
      case $1 in
        --init | --init-*) shift 2 ;;
        *)
          kept+=("$1")
          shift
          ;;
      esac
    done
    "${run[@]}" --resume "${kept[@]}"
  else
    "${run[@]}" "$@"
  fi
}
