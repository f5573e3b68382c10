#!/usr/bin/env bash
# Installs what StreamFusion needs on Debian 12 (only what is missing), then builds the solution.
# Used by scripts/run.sh and scripts/test.sh; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(
  gcc libc6-dev pkg-config                                  # builds the FFmpeg shim
  libavformat-dev libavcodec-dev libavdevice-dev            # FFmpeg headers and libraries
  libswscale-dev libswresample-dev libavutil-dev
  libgtk-3-0                                                # OpenCvSharp's native library links it
  ffmpeg kcat                                               # independent references for tests and benchmarks
  python3-confluent-kafka                                   # the sample consumer in samples/consumer (tested)
  libpocketsphinx3 pocketsphinx-en-us                       # offline speech: keyword spotting and transcription
  espeak-ng sox                                             # test speech: watch-list phrases synthesised and mixed over ambience
  jq bc                                                     # tests/accuracy/sound_false_alarms.sh reads the events and counts the hours
  pocketsphinx                                              # pocketsphinx_continuous: the speech benchmark's baseline
  gir1.2-gst-rtsp-server-1.0 python3-gst-1.0                # tests/rtsp/serve.py: a real RTSP server for camera tests
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "setup: need root or sudo to run: $*" >&2; exit 1
  fi
}

missing=()
for package in "${apt_packages[@]}"; do
  [[ $package == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then
  if apt-cache show dotnet-sdk-10.0 >/dev/null 2>&1; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dotnet-sdk-10.0 >/dev/null
  else
    echo "setup: the .NET 10 SDK is missing and no apt source offers it; install it from https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
    exit 1
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build StreamFusion.sln -c Release -v quiet -nologo -clp:ErrorsOnly
