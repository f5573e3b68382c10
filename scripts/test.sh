#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test; ends with "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1
log=$(mktemp)
dotnet test StreamFusion.sln -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# VSTest prints a block per test project: "Total tests: N", then "Passed: N", "Failed: N", "Skipped: N" when non-zero.
count() { grep -E "^ +$1: +[0-9]+\s*$" "$log" | awk '{ sum += $2 } END { print sum + 0 }'; }
if grep -qE '^Total tests: +[0-9]+' "$log"; then
  echo "tests: $(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
else
  echo "tests: 0 passed, 1 failed (the test run did not complete)"
  [ "$status" -eq 0 ] && status=1
fi
rm -f "$log"
exit "$status"
