#!/usr/bin/env bash
# Execute notebooks headlessly with the project's tslab kernel; exit non-zero on the first failing cell.
#
#   bash scripts/run-notebooks.sh [--inplace] [notebook...]     (default: every notebooks/*.ipynb)
#
# Default (a test run): each notebook executes into a temporary directory and its figures go to
#   a temporary FIGURES_DIR, so the work tree stays clean. Set KEEP_DIR=dir to keep the executed copies.
# --inplace: the committed notebooks get their outputs and figures/ gets the static figures.
# PRESET (tiny|cpu, default tiny) is passed through to the notebooks (process.env.PRESET).
# CELL_TIMEOUT (seconds per cell) defaults to 600 for tiny and to none (-1) otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

INPLACE=0
NOTEBOOKS=()
for arg in "$@"; do
  case "$arg" in
    --inplace) INPLACE=1 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    -*) echo "run-notebooks: unknown option $arg" >&2; exit 2 ;;
    *) NOTEBOOKS+=("$arg") ;;
  esac
done
if [ ${#NOTEBOOKS[@]} -eq 0 ]; then
  mapfile -t NOTEBOOKS < <(ls notebooks/*.ipynb)
fi

export PRESET=${PRESET:-tiny}
case "$PRESET" in tiny|cpu|paper) ;; *) echo "run-notebooks: PRESET must be tiny, cpu or paper, got '$PRESET'" >&2; exit 2 ;; esac
if [ "$PRESET" = tiny ]; then CELL_TIMEOUT=${CELL_TIMEOUT:-600}; else CELL_TIMEOUT=${CELL_TIMEOUT:--1}; fi

export JUPYTER_PATH=$ROOT/.jupyter/share/jupyter
if [ ! -f "$JUPYTER_PATH/kernels/tslab/kernel.json" ]; then
  echo "run-notebooks: tslab kernel not registered; run: bash scripts/setup.sh" >&2
  exit 1
fi

if [ $INPLACE -eq 1 ]; then
  OUT_ARGS=(--inplace)
  # No per-cell timestamps in committed notebooks: they would change on every run.
  TIMING=False
else
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  OUT_DIR=${KEEP_DIR:-$WORK/out}
  mkdir -p "$OUT_DIR"
  export FIGURES_DIR=$WORK/figures
  OUT_ARGS=(--output-dir "$OUT_DIR")
  TIMING=True
fi

for nb in "${NOTEBOOKS[@]}"; do
  [ -f "$nb" ] || { echo "run-notebooks: no such notebook: $nb" >&2; exit 2; }
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
