#!/usr/bin/env bash
# The main job (README): set up, then execute every notebook in place on the embedded data and shipped
# checkpoints, refreshing their outputs and the static figures in figures/.
# PRESET=tiny (default; minutes) or PRESET=cpu (the committed results; hours on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/run-notebooks.sh --inplace notebooks/*.ipynb
echo "main: notebooks executed in place; figures in figures/"
