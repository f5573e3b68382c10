#!/usr/bin/env bash
# Builds libsfmedia.so against the system FFmpeg (called by the StreamFusion.Media build).
set -euo pipefail
out=${1:?usage: build.sh <output.so>}
here=$(cd "$(dirname "$0")" && pwd)
pkgs="libavformat libavcodec libavdevice libswscale libswresample libavutil"
if ! command -v gcc >/dev/null || ! command -v pkg-config >/dev/null || ! pkg-config --exists $pkgs; then
  echo "error SF0001: FFmpeg development files missing (need gcc, pkg-config, $pkgs). Run scripts/setup.sh or: apt-get install gcc pkg-config libavformat-dev libavcodec-dev libavdevice-dev libswscale-dev libswresample-dev libavutil-dev" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
gcc -O2 -fPIC -fvisibility=hidden -Wall -Wextra -Werror -shared -o "$out.tmp" "$here/sfmedia.c" "$here/sfclip.c" \
  $(pkg-config --cflags --libs $pkgs) -lm -Wl,--no-undefined -Wl,-z,now
mv "$out.tmp" "$out"
