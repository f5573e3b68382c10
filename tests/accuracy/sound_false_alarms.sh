#!/usr/bin/env bash
# False alarms of the sound tagger per hour, on audio held out from the window study that chose its window and
# thresholds (bench audio --sound-windows used the six recordings, jfk.wav and the GRID clips as they are).
# Builds about M minutes of new audio with sox and espeak-ng, none of it a surveillance sound:
#   - synthetic speech (espeak-ng: several accents and voices, rates and pitches; text of the licence files), alone
#     and over each ambience recording at three levels;
#   - the ambience recordings changed (pitch up and down, faster and slower, telephone band, reverb, louder with
#     clipping) and jfk.wav and the GRID speech changed the same way, over ambience;
# then runs `streamfusion audio --sounds` on it with the product's default sound classes and thresholds, and prints
# the events per class, false alarms per hour of audio for the surveillance classes, a 95 % upper bound, and the
# crowd class's recall and precision against what each piece holds (crowd_cheering.wav is its one true example).
# Held out from the study, not independent of it: the changed pieces come from the same recordings. sox runs
# without dither (-D), so the same minutes give the same audio and the same answer every time.
#   tests/accuracy/sound_false_alarms.sh [minutes=60]
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes=${1:-60}
assets=${STREAMFUSION_ASSETS:-$(cd .. && pwd)/shared}
work=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT # KEEP=1 keeps the audio and events
surveillance='["gunshot","explosion","glass","scream","siren","alarm"]'
ambience=("$assets"/media/sounds/*.wav)
speech=()
for media in "$assets/media/jfk.wav" "$assets"/media/grid/*.mpg; do # sox reads no MPEG audio
  speech+=("$work/$(basename "${media%.*}").wav")
  ffmpeg -v error -i "$media" -vn -ac 1 -ar 16000 "${speech[-1]}"
done
voices=(en-us en-gb en-gb-scotland en-029 en-gb-x-rp en-us+f3 en-us+m7 en-gb+f4 en-us+whisper en-gb-x-gbclan)
changes=("pitch 400" "pitch -400" "tempo 1.3" "tempo 0.75" "sinc 300-3400" "reverb 60" "gain 12" "pitch 200 reverb 40")
text=$(cat /usr/share/common-licenses/GPL-3 /usr/share/common-licenses/Apache-2.0 | tr -s ' \n\t' ' ')
words=$(echo "$text" | wc -w)
fades="fade t 0.3 -0 0.3" # every piece fades in and out: joined pieces make no bang at the joins
norm() { sox -D -q "$1" -r 16000 -c 1 -b 16 "$2" "${@:3}" 2>/dev/null; } # 16 kHz mono, with an optional effect chain

echo "sound false alarms: building about $minutes min of held-out audio in $work"
built=0 n=0
while [ "$built" -lt $((minutes * 60)) ]; do
  n=$((n + 1))
  voice=${voices[$((n % ${#voices[@]}))]}
  # About 12 s of synthetic speech (as long as an ambience recording, which is never looped: a loop's seam is a
  # bang no real microphone hears), from a different place in the text each time.
  start=$(( (n * 131) % (words - 40) ))
  echo "$text" | cut -d' ' -f$((start + 1))-$((start + 30)) > "$work/t.txt"
  espeak-ng -v "$voice" -s $((130 + (n * 17) % 70)) -p $((30 + (n * 13) % 40)) -f "$work/t.txt" -w "$work/s.wav"
  norm "$work/s.wav" "$work/speech.wav"
  case $((n % 4)) in
    0) norm "$work/speech.wav" "$work/clip.wav" $fades ;;                                     # speech alone
    *) # speech over ambience, at -6, -12 or -18 dB beneath it
      norm "${ambience[$((n % ${#ambience[@]}))]}" "$work/bed.wav" gain -$((6 * (n % 4)))
      sox -D -q -m "$work/speech.wav" "$work/bed.wav" "$work/clip.wav" $fades ;;
  esac
  # A changed ambience recording and a changed real speech clip after it, so every clip has real audio too.
  change=${changes[$((n % ${#changes[@]}))]}
  norm "${ambience[$(((n / 2) % ${#ambience[@]}))]}" "$work/a.wav" $change $fades
  norm "${speech[$((n % ${#speech[@]}))]}" "$work/b.wav" $change $fades
  sox -D -q "$work/clip.wav" "$work/a.wav" "$work/b.wav" "$work/held-$n.wav"
  # What each clip holds where: the labels that recall and precision of the crowd class are measured against.
  bed=none; [ $((n % 4)) -eq 0 ] || bed=$(basename "${ambience[$((n % ${#ambience[@]}))]}" .wav)
  speech_end=$(soxi -D "$work/clip.wav")
  jq -nc --arg clip "held-$n.wav" --arg bed "$bed" --arg source "$(basename "${ambience[$(((n / 2) % ${#ambience[@]}))]}" .wav)" \
    --argjson a "$speech_end" --argjson b "$(soxi -D "$work/a.wav")" \
    '{clip: $clip, piece: "speech over ambience", source: $bed, start: 0, end: $a}, {clip: $clip, piece: "changed ambience", source: $source, start: $a, end: ($a + $b)}' \
    >> "$work/truth.jsonl"
  built=$((built + $(soxi -D "$work/held-$n.wav" | cut -d. -f1)))
  printf '\r  %d clips, %d of %d s' "$n" "$built" $((minutes * 60))
done
echo
for clip in "$work"/held-*.wav; do
  scripts/streamfusion audio "$clip" --sounds --json 2>/dev/null | jq -c --arg clip "$(basename "$clip")" '.sounds[] | . + {clip: $clip}'
done > "$work/all-events.jsonl"
jq -c 'select(.state == "start")' "$work/all-events.jsonl" > "$work/events.jsonl"
hours=$(echo "scale=4; $built / 3600" | bc)
echo "sound false alarms: $n clips, $(echo "scale=1; $built / 60" | bc) min of audio held out from the window study"
echo "  sound events started, by class (default classes and thresholds):"
jq -r '.kind' "$work/events.jsonl" | sort | uniq -c | sed 's/^/   /'
alarms=$(jq -c --argjson s "$surveillance" 'select(.kind as $k | $s | index($k))' "$work/events.jsonl" | wc -l)
jq -r --argjson s "$surveillance" 'select(.kind as $k | $s | index($k)) | "    false alarm: \(.kind) (\(.score)) in \(.clip) at \(.start) s: \([.labels[].label] | join(", "))"' "$work/events.jsonl"
# With no alarm seen in T hours, the 95 % upper bound of a Poisson rate is 3/T; otherwise (alarms + 2 sqrt(alarms) + 2)/T, roughly.
bound=$(echo "scale=2; ($alarms + 2 * sqrt($alarms) + 3) / $hours" | bc)
echo "  surveillance classes (gunshot, explosion, glass, scream, siren, alarm): $alarms false alarms in $hours h = $(echo "scale=2; $alarms / $hours" | bc)/h (95 % upper bound about $bound/h)"
# The one class with true examples here: crowd (crowd_cheering.wav), under speech and changed on its own. An event
# (start to end) is right when it overlaps a piece holding the crowd; a piece is found when some crowd event overlaps it.
jq -rn --slurpfile truth "$work/truth.jsonl" --slurpfile events "$work/all-events.jsonl" '
  [$events[] | select(.kind == "crowd" and .state == "end")] as $crowd
  | def overlaps($e; $p): $e.clip == $p.clip and $e.start < $p.end and $e.end > $p.start;
  ([$truth[] | select(.source == "crowd_cheering")]) as $pieces
  | ($crowd | map(. as $e | select(any($pieces[]; overlaps($e; .)))) | length) as $right
  | "  crowd: precision \($right)/\($crowd | length) events overlap a piece with the crowd in it",
    ($pieces | group_by(.piece)[] | . as $group
      | "  crowd: recall \([$group[] | . as $p | select(any($crowd[]; overlaps(.; $p)))] | length)/\($group | length) pieces of \($group[0].piece)")'
