#!/usr/bin/env bash
# Runs the whole test suite N times in a row (default 10) while two busy loops load both cores, to show that the tests
# hold under load (no guessed delays, no races). The busy loops are bounded in time and killed on exit.
# Usage: scripts/test-under-load.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
limit=$((runs * 900))

mkdir -p artifacts
dotnet build ExecutionSentinel.sln -v q -nologo >/dev/null

busy=()
for _ in 1 2; do
  timeout "$limit" sh -c 'while :; do :; done' &
  busy+=("$!")
done
trap 'kill "${busy[@]}" 2>/dev/null || true' EXIT

passed=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  if dotnet test ExecutionSentinel.sln --no-build --nologo -v q >"artifacts/load-run-$i.log" 2>&1; then
    passed=$((passed + 1))
    echo "run $i/$runs: passed in $(( $(date +%s) - start )) s ($(grep -Eo 'Passed: +[0-9]+' "artifacts/load-run-$i.log" | head -n 1))"
  else
    echo "run $i/$runs: FAILED after $(( $(date +%s) - start )) s; see artifacts/load-run-$i.log"
    grep -E '^\s+Failed ' "artifacts/load-run-$i.log" || true
    echo "$passed passed, 1 failed"
    exit 1
  fi
done
echo "$passed passed, 0 failed"
