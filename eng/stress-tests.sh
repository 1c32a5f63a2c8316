#!/usr/bin/env bash
# Runs the whole test suite several times while two CPU burners keep the cores busy, to find tests that depend on
# timing. Usage: bash eng/stress-tests.sh [runs=5] [burners=2]. Prints each run's totals and the failed tests; exits
# non-zero when any run had a failure.
set -uo pipefail
runs="${1:-5}"
burners="${2:-2}"
cd "$(dirname "$0")/.."

dotnet build K8sNet.sln -c Release -nologo -v quiet >/dev/null || { echo "build failed"; exit 2; }

pids=()
for _ in $(seq 1 "$burners"); do
  (while :; do :; done) &
  pids+=("$!")
done
trap 'kill "${pids[@]}" 2>/dev/null' EXIT

failed_runs=0
for run in $(seq 1 "$runs"); do
  log="$(mktemp)"
  start=$(date +%s)
  dotnet test K8sNet.sln -c Release --no-build >"$log" 2>&1
  passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
  failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
  skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
  echo "run $run: $passed passed, $failed failed, $skipped skipped in $(( $(date +%s) - start )) s (${burners} CPU burners)"
  if [ "$failed" -ne 0 ] || ! grep -q 'Passed!' "$log"; then
    failed_runs=$((failed_runs + 1))
    grep -E '^\s+Failed ' "$log" | sed 's/^/    /'
  fi
  rm -f "$log"
done

echo "$failed_runs of $runs runs had failures"
[ "$failed_runs" -eq 0 ]
