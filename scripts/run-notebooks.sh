#!/usr/bin/env bash
# Execute notebooks headlessly with the project's tslab kernel; exit non-zero on the first failing cell.
#
#   bash scripts/run-notebooks.sh [--inplace] [notebook...]     (default: every notebooks/*.ipynb)
#
# Default (a test run): each notebook executes into a temporary directory at PRESET (tiny|cpu, default tiny, passed
#   to the notebooks as process.env.PRESET); its figures go to a temporary FIGURES_DIR and, at the tiny preset, the
#   results it reads to a temporary RESULTS_DIR holding a fresh tiny Table I (a few seconds), so the work tree stays
#   clean and no tiny result ever lands in results/. Set KEEP_DIR=dir to keep the executed copies.
# --inplace: the committed notebooks get their outputs and figures/ gets the static figures; each notebook runs at
#   the preset notebooks/presets.txt records for it (its committed outputs' preset), reading results/ and the
#   committed weights.
# CELL_TIMEOUT (seconds per cell) defaults to 600 for tiny and to none (-1) otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CELL_TIMEOUT_SET=${CELL_TIMEOUT:-}

INPLACE=0
NOTEBOOKS=()
for arg in "$@"; do
  case "$arg" in
    --inplace) INPLACE=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "run-notebooks: unknown option $arg" >&2; exit 2 ;;
    *) NOTEBOOKS+=("$arg") ;;
  esac
done
if [ ${#NOTEBOOKS[@]} -eq 0 ]; then
  mapfile -t NOTEBOOKS < <(ls notebooks/*.ipynb)
fi

# The preset a notebook's committed outputs come from (notebooks/presets.txt).
committed_preset() {
  local p
  p=$(awk -v nb="$(basename "$1")" '$1 == nb { print $2 }' notebooks/presets.txt)
  [ -n "$p" ] || { echo "run-notebooks: $1 is not in notebooks/presets.txt: add it with the preset of its outputs" >&2; return 1; }
  echo "$p"
}
check_preset() {
  case "$1" in tiny|cpu|paper) ;; *) echo "run-notebooks: PRESET must be tiny, cpu or paper, got '$1'" >&2; exit 2 ;; esac
}
TEST_PRESET=${PRESET:-tiny}
check_preset "$TEST_PRESET"

export JUPYTER_PATH=$ROOT/.jupyter/share/jupyter
if [ ! -f "$JUPYTER_PATH/kernels/tslab/kernel.json" ]; then
  echo "run-notebooks: tslab kernel not registered; run: bash scripts/setup.sh" >&2
  exit 1
fi

if [ $INPLACE -eq 1 ]; then
  OUT_ARGS=(--inplace)
  # No per-cell timestamps in committed notebooks: they would change on every run.
  TIMING=False
  if [ -n "${PRESET:-}" ]; then
    echo "run-notebooks: --inplace takes each notebook's preset from notebooks/presets.txt; unset PRESET" \
      "(to change a notebook's preset, edit that list)" >&2
    exit 2
  fi
else
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  OUT_DIR=${KEEP_DIR:-$WORK/out}
  mkdir -p "$OUT_DIR"
  export FIGURES_DIR=$WORK/figures
  OUT_ARGS=(--output-dir "$OUT_DIR")
  TIMING=True
  if [ "$TEST_PRESET" = tiny ] && [ -z "${RESULTS_DIR:-}" ]; then
    export RESULTS_DIR=$WORK/results
    npm run --silent reproduce -- --only table1 --preset tiny --results "$RESULTS_DIR" >"$WORK/reproduce.log" 2>&1 \
      || { cat "$WORK/reproduce.log" >&2; echo "run-notebooks: the tiny Table I for the notebooks failed" >&2; exit 1; }
  fi
fi

for nb in "${NOTEBOOKS[@]}"; do
  [ -f "$nb" ] || { echo "run-notebooks: no such notebook: $nb" >&2; exit 2; }
  if [ $INPLACE -eq 1 ]; then PRESET=$(committed_preset "$nb"); else PRESET=$TEST_PRESET; fi
  check_preset "$PRESET"
  export PRESET
  if [ "$PRESET" = tiny ]; then CELL_TIMEOUT=${CELL_TIMEOUT_SET:-600}; else CELL_TIMEOUT=${CELL_TIMEOUT_SET:--1}; fi
  echo "run-notebooks: $nb (PRESET=$PRESET, cell timeout ${CELL_TIMEOUT}s)"
  start=$(date +%s.%N)
  # The kernel's working directory is the notebook's folder (nbconvert's default), so `./lib/...` resolves
  # through the notebooks/lib symlink.
  jupyter nbconvert --to notebook --execute "${OUT_ARGS[@]}" \
    --ExecutePreprocessor.kernel_name=tslab \
    --ExecutePreprocessor.timeout="$CELL_TIMEOUT" \
    --ExecutePreprocessor.startup_timeout=120 \
    --ExecutePreprocessor.record_timing="$TIMING" \
    --log-level=WARN \
    "$nb"
  end=$(date +%s.%N)
  if [ $INPLACE -eq 1 ]; then out=$nb; else out=$OUT_DIR/$(basename "$nb"); fi
  # Report wall time, size, and (test runs) each cell's execution time from nbclient's timestamps.
  node -e '
    const [file, start, end] = process.argv.slice(1);
    const wall = Number(end) - Number(start);
    const nb = JSON.parse(require("fs").readFileSync(file, "utf8"));
    const times = nb.cells.filter((c) => c.cell_type === "code").map((c) => {
      const e = c.metadata.execution;
      return e ? ((Date.parse(e["iopub.status.idle"]) - Date.parse(e["iopub.status.busy"])) / 1000).toFixed(2) : "?";
    });
    const kb = (require("fs").statSync(file).size / 1024).toFixed(0);
    console.log(`run-notebooks:   ${wall.toFixed(1)} s wall, ${kb} kB, cells [s]: ${times.join(" ")}`);
  ' "$out" "$start" "$end"
done
echo "run-notebooks: all ${#NOTEBOOKS[@]} notebook(s) ran without error"
