#!/usr/bin/env bash
# Soak test: N live cameras (looped sample files served as HTTP MPEG-TS by ffmpeg) in one streamfusion process
# for M minutes, each asking for 5 detections per second (motion gating off, so every camera really asks), with
# audio and the embedded broker. Samples RSS every 30 s; prints the growth after warm-up, then per camera the
# detections and frames per second sustained after the first 2 minutes (or the first sample), drops and state,
# and capture→broker-ack latency.
#   tests/soak/live_cameras.sh [minutes=10] [cameras=4]
# CAPACITY=N sets queues.capacity, drop-oldest (default 2, as `streamfusion live`). AUDIO='{ ... }' sets the audio
# section, e.g. AUDIO='{ sounds: { min_dbfs: -120 } }' to run the sound tagger on every window of every camera with audio.
# EVIDENCE=DIR turns on incident evidence under DIR with a 10 s clip pre-roll (PRE_ROLL=...), a person being an incident,
# and reports each camera's packet ring and clips.
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes=${1:-10}
cameras=${2:-4}
assets=${STREAMFUSION_ASSETS:-$(cd .. && pwd)/shared}
# Copied, not re-encoded, so the servers take little CPU (the AVI has no timestamps MPEG-TS could copy).
media=("$assets/media/one-by-one-person-detection.mp4" "$assets/media/car-detection.mp4" "$assets/media/grid_swwp2s.mpg")
work=$(mktemp -d)
# The servers' ffmpeg processes go with their restart loops (a loop killed alone leaves its ffmpeg serving).
trap 'kill $(jobs -p) $(for j in $(jobs -p); do pgrep -P "$j"; done) 2>/dev/null || true; rm -rf "$work"' EXIT
config="$work/soak.yaml"
printf 'version: 1\nmetrics: { listen: 127.0.0.1:19470 }\nqueues: { capacity: %d, policy: drop-oldest }\nvision: { detect_fps: 5, motion: { enabled: false } }\naudio: %s\n' "${CAPACITY:-2}" "${AUDIO:-{\}}" > "$config"
# With evidence, a person present is an incident, so snapshots and clips are really taken.
[ -z "${EVIDENCE:-}" ] || printf 'evidence: { dir: "%s", clip: { pre_roll: %s } }\nfusion: { incident_threshold: 0.3 }\n' "$EVIDENCE" "${PRE_ROLL:-10s}" >> "$config"
echo "cameras:" >> "$config"
for i in $(seq 0 $((cameras - 1))); do
  port=$((18100 + i))
  file=${media[$((i % ${#media[@]}))]}
  (while true; do ffmpeg -v error -re -stream_loop -1 -i "$file" -c copy -f mpegts -listen 1 "http://127.0.0.1:$port/cam.ts" || sleep 0.5; done) &
  printf '  - { id: cam%d, uri: "http://127.0.0.1:%d/cam.ts" }\n' "$i" "$port" >> "$config"
done
scripts/streamfusion run "$config" > "$work/run.out" 2> "$work/run.err" &
# The embedded broker keeps every record in memory by design (about 1 KB each): part of any growth seen here.
pid=$!
echo "soak: $cameras cameras for $minutes min, streamfusion pid $pid; RSS every 30 s"
printf '%8s %10s %12s %10s\n' "minute" "RSS MB" "frames" "records"
first=""
for s in $(seq 1 $((minutes * 2))); do
  sleep 30
  kill -0 $pid 2>/dev/null || { echo "soak: streamfusion exited"; tail -5 "$work/run.err"; exit 1; }
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  metrics=$(curl -s 127.0.0.1:19470/metrics || true)
  frames=$(echo "$metrics" | awk '/^streamfusion_frames_total/ {s += $2} END {print s + 0}')
  records=$(echo "$metrics" | awk '/^streamfusion_records_total/ {s += $2} END {print s + 0}')
  printf '%8.1f %10.1f %12d %10d\n' "$(echo "$s / 2" | bc -l)" "$(echo "$rss / 1024" | bc -l)" "$frames" "$records"
  [ -n "$first" ] || { first=$rss; echo "$metrics" > "$work/metrics.first"; first_s=$((s * 30)); }
  [ "$s" -ne 4 ] || [ "$minutes" -le 2 ] || { warm=$rss; echo "$metrics" > "$work/metrics.first"; first_s=$((s * 30)); }
  last=$rss
done
echo "$metrics" > "$work/metrics.last"
growth() { echo "scale=1; 100 * ($last - $1) / $1" | bc; }
echo "soak: RSS at 30 s $(echo "$first / 1024" | bc) MB, at 2 min ${warm:+$(echo "$warm / 1024" | bc)} MB, at the end $(echo "$last / 1024" | bc) MB:" \
     "growth $(growth "$first") % since 30 s${warm:+, $(growth "$warm") % since 2 min (after warm-up)}"
# Per camera, from the counters' growth between the warm-up sample and the last one.
seconds=$((minutes * 60 - first_s))
printf '%-8s %12s %12s %10s %12s\n' camera "detect/s" "frames/s" dropped state
for i in $(seq 0 $((cameras - 1))); do
  value() { awk -v key="$1{camera=\"cam$i\"}" '$1 == key {print $2}' "$2"; }
  detect=$(echo "($(value streamfusion_analysed_frames_total "$work/metrics.last") - $(value streamfusion_analysed_frames_total "$work/metrics.first")) / $seconds" | bc -l)
  frames=$(echo "($(value streamfusion_frames_total "$work/metrics.last") - $(value streamfusion_frames_total "$work/metrics.first")) / $seconds" | bc -l)
  dropped=$(grep -F "streamfusion_dropped_total{camera=\"cam$i\"," "$work/metrics.last" | awk '{s += $2} END {print s + 0}')
  state=$(grep -o "streamfusion_camera_state{camera=\"cam$i\",state=\"[a-z-]*\"} 1" "$work/metrics.last" | sed 's/.*state="\([a-z-]*\)".*/\1/')
  printf '%-8s %12.2f %12.2f %10d %12s\n' "cam$i" "$detect" "$frames" "$dropped" "${state:-?}"
done
grep -E '^streamfusion_kafka_ack_latency_seconds' "$work/metrics.last" | sed 's/^streamfusion_kafka_ack_latency_seconds/capture→ack/'
curl -s 127.0.0.1:19470/health; echo
kill -TERM $pid; wait $pid || true
grep -E "completed|drained|kafka:" "$work/run.out" | tail -$((cameras + 1))
[ -z "${EVIDENCE:-}" ] || grep -E '^streamfusion_clip_ring_(bytes|seconds)|^streamfusion_clips_total' "$work/metrics.last" | sort
