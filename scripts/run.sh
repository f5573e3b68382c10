#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job: the bundled default pipeline.
# With arguments, runs those instead: scripts/run.sh probe FILE --count-frames
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ $# -eq 0 ]; then set -- run pipelines/default.yaml; fi
exec scripts/streamfusion "$@"
