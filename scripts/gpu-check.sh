#!/usr/bin/env bash
# The GPU check, sized for one run on the lent GPU machine (no .NET there, at most 64 MiB carried, no network).
#   scripts/gpu-check.sh --prepare    here: publishes the check program self-contained into .gpu-check/
#                                     (gpu-check.tar.xz, about 27 MB, and jfk.wav), to carry to the device
#   scripts/gpu-check.sh              there (or here): unpacks it, puts the CUDA libraries of the machine's Python
#                                     environment (nvidia/*/lib) on LD_LIBRARY_PATH, and writes
#                                     ${OUT:-.gpu-check}/gpu-check.json: the CUDA device, MFCC on it against the CPU
#                                     path on jfk.wav, and windows/s for 1, 64 and 512 cameras' windows batched.
# With the device tool: run(command="scripts/gpu-check.sh", carry=[".gpu-check"], timeout_s=480).
# ONNX Runtime's CUDA provider (289 MB) cannot be carried, so detector throughput on the GPU is not measured here.
set -euo pipefail
cd "$(dirname "$0")/.."
work=.gpu-check
if [ "${1:-}" = "--prepare" ]; then
  assets=${STREAMFUSION_ASSETS:-$(cd .. && pwd)/shared}
  rm -rf "$work" && mkdir -p "$work/publish"
  dotnet publish tests/StreamFusion.GpuCheck -c Release -r linux-x64 --self-contained -o "$work/publish" -nologo -v quiet
  rm -f "$work/publish/libonnxruntime.so" # referenced through the audio library, never loaded by the check
  tar -C "$work/publish" -cJf "$work/gpu-check.tar.xz" . && rm -rf "$work/publish"
  cp "$assets/media/jfk.wav" "$work/"
  echo "gpu-check: prepared $work ($(du -sh "$work" | cut -f1)); carry it to the GPU machine and run scripts/gpu-check.sh there"
  exit 0
fi
[ -f "$work/gpu-check.tar.xz" ] || { echo "error: $work/gpu-check.tar.xz missing: run scripts/gpu-check.sh --prepare first" >&2; exit 2; }
out=${OUT:-$work}
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
tar -C "$bin" -xJf "$work/gpu-check.tar.xz"
python=$(command -v python3 || true)
if [ -n "$python" ] && nvidia=$("$python" -c 'import nvidia, os; print(os.path.dirname(list(nvidia.__path__)[0]))' 2>/dev/null); then
  for lib in "$nvidia"/nvidia/*/lib; do LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; done
  export LD_LIBRARY_PATH
fi
mkdir -p "$out"
{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"; } > "$out/nvidia-smi.txt"
DOTNET_gcServer=0 "$bin/gpu-check" "$work/jfk.wav" | tee "$out/gpu-check.json"
