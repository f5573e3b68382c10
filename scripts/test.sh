#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test; ends with "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1
log=$(mktemp)
dotnet test StreamFusion.sln -c Release --no-build -nologo --filter "Category!=GpuBuild" --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The GPU build (ONNX Runtime's CUDA and TensorRT providers) beside the CPU one, and the tests that need no GPU in it.
echo "GPU build: dotnet build tests/StreamFusion.Tests -p:OnnxRuntimeGpu=true"
if dotnet build tests/StreamFusion.Tests -c Release -p:OnnxRuntimeGpu=true -nologo -v q 2>&1 | tail -3; [ "${PIPESTATUS[0]}" -eq 0 ]; then
  dotnet test tests/StreamFusion.Tests/bin-gpu/Release/net10.0/StreamFusion.Tests.dll --filter "Category=GpuBuild" --logger "console;verbosity=normal" 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
else
  echo "GPU build failed" | tee -a "$log"
  status=1
fi
# VSTest prints a block per test project: "Total tests: N", then "Passed: N", "Failed: N", "Skipped: N" when non-zero.
count() { grep -E "^ +$1: +[0-9]+\s*$" "$log" | awk '{ sum += $2 } END { print sum + 0 }'; }
if grep -qE '^Total tests: +[0-9]+' "$log"; then
  echo "tests: $(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
else
  echo "tests: 0 passed, 1 failed (the test run did not complete)"
  [ "$status" -eq 0 ] && status=1
fi
# The failures again at the end, where a log cut to its tail still shows them: name and the first lines of the message.
if grep -qE '^ +Failed [A-Za-z]' "$log"; then
  echo "failed tests:"
  awk '/^ +Failed [A-Za-z]/ { print; shown = 0; want = 1; next }
       want && /Error Message:/ { grab = 1; next }
       grab && /Stack Trace:/ { grab = 0; want = 0; next }
       grab && shown < 6 { print "    " $0; shown++ }' "$log"
fi
rm -f "$log"
exit "$status"
