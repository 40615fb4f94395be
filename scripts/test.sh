#!/usr/bin/env bash
# The project's test command (README, .ci/run): installs what is missing, type-checks, lints, runs the unit tests and
# the tiny Table I through the reproduce/figures CLIs, then executes every notebook headlessly on the tiny
# preset (a failing cell fails the run).
# Ends with one line "test: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || exit 1

passed=0
failed=0
echo "test: type-check"
if npx tsc --noEmit -p .; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "test: type-check FAILED"; fi

echo "test: lint (biome: formatting, lines <= 120, lint rules; biome.jsonc)"
if npx biome check .; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "test: lint FAILED"; fi

echo "test: unit tests"
tap=$(mktemp)
# spec for people, tap for the count below. One file at a time: the wasm tests use both cores.
node --import tsx --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  test/*.test.ts
unit_status=$?
unit_pass=$(grep -E '^# pass [0-9]+' "$tap" | tail -1 | awk '{print $3}')
unit_fail=$(grep -E '^# fail [0-9]+' "$tap" | tail -1 | awk '{print $3}')
rm -f "$tap"
passed=$((passed + ${unit_pass:-0}))
failed=$((failed + ${unit_fail:-0}))
if [ "$unit_status" -ne 0 ] && [ "${unit_fail:-0}" -eq 0 ]; then failed=$((failed + 1)); fi

echo "test: reproduce + figures (tiny preset, into a temporary folder)"
work=$(mktemp -d)
if npm run --silent reproduce -- --only table1 --preset tiny --results "$work/results" \
   && npm run --silent figures -- --results "$work/results" --out "$work/figures"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "test: reproduce/figures FAILED"
fi
rm -rf "$work"

echo "test: notebooks (PRESET=${PRESET:-tiny})"
for nb in notebooks/*.ipynb; do
  if bash scripts/run-notebooks.sh "$nb"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "test: notebook $nb FAILED"; fi
done

echo "test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
