#!/usr/bin/env bash
# Runs the test suite and ends with one line "N passed, N failed"; exits non-zero on any failure.
# Extra arguments go to `dotnet test` (e.g. --filter FullyQualifiedName~Relaxations); without them the house style is
# checked too (dotnet format --verify-no-changes).
set -uo pipefail
cd "$(dirname "$0")"
source build/process-env.sh
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

# House style (.editorconfig): the full run also checks that `dotnet format` would change nothing; a difference is a failure.
format_failed=0
if [ "$#" -eq 0 ]; then
  if ! dotnet format Paradox.sln --verify-no-changes -v q; then
    echo "dotnet format --verify-no-changes: the files above differ from the house style (run: dotnet format Paradox.sln)" >&2
    format_failed=1
  fi
fi

dotnet test tests/Paradox.Tests -c Release --nologo --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@"
status=$?

trx="$results/results.trx"
if [ ! -f "$trx" ]; then
  echo "0 passed, 1 failed"   # the tests did not run (build failure)
  exit 1
fi
counters=$(grep -o '<Counters [^>]*>' "$trx")
passed=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
failed=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
errors=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
failed=$(( ${failed:-0} + ${errors:-0} + format_failed ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "the test run ended with status $status (aborted or crashed): counted as one failure" >&2
  failed=1
fi
echo "${passed:-0} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
