#!/usr/bin/env bash
# Fuzzes the FFmpeg shim (src/StreamFusion.Media/Native/sfmedia.c) with libFuzzer, ASan and UBSan.
#   tests/fuzz/run.sh [minutes]    (default 10; not part of the default test run)
# Seeds: the start of every file in the shared media (../shared/media, or $STREAMFUSION_ASSETS/media). Crashes land
# in tests/fuzz/crashes/; keep each one under tests/fuzz/regressions/ once fixed (CrashRegressionTests replays them).
set -euo pipefail
cd "$(dirname "$0")"
minutes=${1:-10}
root=$(cd ../.. && pwd)
assets=${STREAMFUSION_ASSETS:-$root/../shared}
work=${FUZZ_WORK:-$root/tests/fuzz/work}
pkgs="libavformat libavcodec libavdevice libswscale libswresample libavutil"
command -v clang >/dev/null || { echo "fuzz: needs clang and libFuzzer: apt-get install clang libclang-rt-14-dev" >&2; exit 1; }
mkdir -p "$work/corpus" "$work/seeds" crashes
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -o "$work/fuzz_sfmedia" fuzz_sfmedia.c ../../src/StreamFusion.Media/Native/sfclip.c \
  $(pkg-config --cflags --libs $pkgs) -lm
# Seeds: the first 48 KiB of each media file (headers, first packets), so inputs stay small and fast.
find "$assets/media" -type f \( -name '*.mp4' -o -name '*.mkv' -o -name '*.mpg' -o -name '*.avi' -o -name '*.wav' -o -name '*.ts' -o -name '*.webm' -o -name '*.mov' -o -name '*.srt' \) |
  while read -r f; do head -c 49152 "$f" > "$work/seeds/$(basename "$f")"; done
cp regressions/* "$work/seeds/" 2>/dev/null || true
# Fork mode keeps going after a crash (each is saved under crashes/) so one run finds more than the first.
ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 "$work/fuzz_sfmedia" "$work/corpus" "$work/seeds" \
  -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -max_total_time=$((minutes * 60)) -artifact_prefix=crashes/ > "$work/fuzz.log" 2>&1 || true
grep -E "^#[0-9]+: cov" "$work/fuzz.log" | tail -n 1
echo "fuzz: $(grep -c 'ERROR: AddressSanitizer\|runtime error' "$work/fuzz.log") sanitizer reports; crash inputs: $(ls crashes | wc -l) in tests/fuzz/crashes; log: $work/fuzz.log"
