#!/usr/bin/env bash
# Gateway benchmark: seeds a user, a video and 20 comments through the REST API, then loads
#   GET /api/videos/:vid            (target: >= 4000 req/s, p99 < 25 ms)
#   GET /api/videos/:vid/comments
# then the two listings the web site reads most, with 3 and then with 20 ready videos (each seeded
# video gets a small uploaded file, so that it is ready and in the public feed):
#   GET /api/user/:name/videos      (a user with 3 videos, then one with 20)
#   GET /api/videos                 (the public feed, first page, after each of those seeds)
# with wrk (-t2 -c64, DURATION per URL, default 30s) and prints requests/s, p50, p99 and non-2xx.
# The feed's page holds everything ready in the database, up to 20: exactly 3 and 20 on a fresh one.
#
# Uses the gateway answering on 127.0.0.1:${MEDIAMESH_GATEWAY_PORT:-8080}; when none answers, starts
# the mesh with `./mediamesh up` and stops it at the end. Only 127.0.0.1 is used.
# Each URL is first loaded for WARMUP (default 15s, untimed), so that the figures are those of
# running services rather than of the JIT compiler warming up, as after a fresh ./mediamesh up.
# Environment: DURATION (wrk -d, default 30s), WARMUP (default 15s; 0s to skip), THREADS (default 2),
# CONNECTIONS (default 64),
# BENCH_ENFORCE=1 (exit 1 when the single-video target is missed or a request failed).
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/mesh.sh
. "$ROOT/bench/mesh.sh"

DURATION="${DURATION:-30s}"
WARMUP="${WARMUP:-15s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
TARGET_RPS=4000
TARGET_P99_MS=25

WORK="$(mktemp -d "${TMPDIR:-/tmp}/gateway-wrk.XXXXXX")"

cleanup() {
  local status=$?
  bench_stop_mesh
  rm -rf "$WORK"
  exit "$status"
}
bench_on_exit cleanup

# json_get FILE KEY... : prints the value at that path of the JSON document in FILE.
json_get() {
  python3 - "$@" <<'PY'
import json, sys
path = sys.argv[2:]
with open(sys.argv[1]) as f:
    value = json.load(f)
for key in path:
    value = value[int(key)] if isinstance(value, list) else value[key]
print(value)
PY
}

# Sessions and request bodies (which hold passwords) reach curl on stdin or through a pipe (-H @<(...)),
# and wrk through a script in $WORK (0700), never on their command lines, where ps would show them to
# every user.

# post PATH JSON EXPECTED_STATUS [SESSION] : the response body lands in $WORK/body.
post() {
  local path="$1" body="$2" expected="$3" session="${4:-}" status
  # No session: an empty header file, so no header.
  status="$(printf '%s' "$body" | curl -sS -o "$WORK/body" -w '%{http_code}' --max-time 10 -X POST \
    -H 'Content-Type: application/json' -H @<([[ -z "$session" ]] || printf 'X-Session-Id: %s\n' "$session") \
    --data-binary @- "$BASE$path")" || die "POST $path: the request failed"
  if [[ "$status" != "$expected" ]]; then
    die "POST $path answered $status (expected $expected): $(head -c 500 "$WORK/body")"
  fi
}

seed() {
  local name i
  name="bench_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  post /api/register "{\"user_name\":\"$name\",\"pwd\":\"benchpass123\"}" 201
  SID="$(json_get "$WORK/body" response session_id)"
  post "/api/user/$name/videos" '{"name":"bench video","description":"x"}' 201 "$SID"
  VID="$(json_get "$WORK/body" response id)"
  for i in $(seq 1 20); do
    post "/api/videos/$VID/comments" "{\"content\":\"comment $i\"}" 201 "$SID"
  done
  local status
  status="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 -H @<(printf 'X-Session-Id: %s\n' "$SID") "$BASE/api/videos/$VID")"
  [[ "$status" == 200 ]] || die "GET /api/videos/$VID answered $status before the benchmark"
  # wrk sends the session from a script of its own (-s), read from $WORK.
  (umask 077 && printf 'wrk.headers["X-Session-Id"] = "%s"\n' "$SID" >"$WORK/session.lua")
  say "seeded user $name, video $VID with 20 comments"
}

# upload VID SESSION : gives the video a small file that passes for an MP4, making it ready.
upload() {
  local vid="$1" session="$2" status
  { printf '\x00\x00\x00\x18ftypisom'; head -c 4000 /dev/urandom; } >"$WORK/video.mp4"
  status="$(curl -sS -o "$WORK/body" -w '%{http_code}' --max-time 10 -X POST -H @<(printf 'X-Session-Id: %s\n' "$session") \
    -H 'Content-Type: video/mp4' --data-binary "@$WORK/video.mp4" "$BASE/upload/videos/$vid")" ||
    die "POST /upload/videos/$vid: the request failed"
  [[ "$status" == 200 ]] || die "POST /upload/videos/$vid answered $status: $(head -c 500 "$WORK/body")"
}

# seed_videos COUNT : a new user with COUNT ready videos; sets LISTER to their name.
seed_videos() {
  local count="$1" i vid session
  LISTER="bench_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  post /api/register "{\"user_name\":\"$LISTER\",\"pwd\":\"benchpass123\"}" 201
  session="$(json_get "$WORK/body" response session_id)"
  for i in $(seq 1 "$count"); do
    post "/api/user/$LISTER/videos" "{\"name\":\"listed $i\",\"description\":\"x\"}" 201 "$session"
    vid="$(json_get "$WORK/body" response id)"
    upload "$vid" "$session"
  done
  say "seeded user $LISTER with $count ready videos"
}

# page_size PATH : how many videos the first page of a listing holds.
page_size() {
  curl -sS -o "$WORK/body" --max-time 5 "$BASE$1" || die "GET $1: the request failed"
  python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["response"]["videos"]))' "$WORK/body"
}

# Latency as wrk prints it (850.00us, 1.23ms, 2.00s) in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n }'
}

RESULTS=()
FAILED=0

warm_up() {
  [[ "$WARMUP" != 0s && "$WARMUP" != 0 ]] || return 0
  local url
  for url in "$@"; do
    say "warm-up (untimed): wrk -d$WARMUP $url"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$WORK/session.lua" "$url" >/dev/null
  done
}

run_wrk() {
  local label="$1" url="$2" out="$WORK/wrk-${#RESULTS[@]}.txt"
  say "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency $url"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/session.lua" "$url" | tee "$out"
  local rps p50 p99 non2xx errors
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$out")"
  p50="$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")"
  p99="$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")"
  non2xx="$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$out")"
  errors="$(awk -F': *' '/Socket errors/ {print $2}' "$out")"
  local line
  line="$(printf '%-36s %10s req/s   p50 %8s ms   p99 %8s ms   non-2xx %s' \
    "$label" "${rps:-?}" "$p50" "$p99" "${non2xx:-0}")"
  [[ -z "$errors" ]] || line+="   socket errors: $errors"
  if [[ "$label" == "GET /api/videos/:vid" ]]; then
    if awk -v r="${rps:-0}" -v p="$p99" -v tr="$TARGET_RPS" -v tp="$TARGET_P99_MS" \
      'BEGIN { exit !(r >= tr && p < tp) }' && [[ -z "$non2xx" ]]; then
      line+="   target (>= $TARGET_RPS req/s, p99 < $TARGET_P99_MS ms, no errors): met"
    else
      line+="   target (>= $TARGET_RPS req/s, p99 < $TARGET_P99_MS ms, no errors): MISSED"
      FAILED=1
    fi
  elif [[ -n "$non2xx" ]]; then
    FAILED=1
  fi
  RESULTS+=("$line")
}

main() {
  command -v curl >/dev/null 2>&1 || die "curl is missing"
  command -v python3 >/dev/null 2>&1 || die "python3 is missing"
  bench_ensure_wrk
  bench_ensure_mesh
  seed
  warm_up "$BASE/api/videos/$VID" "$BASE/api/videos/$VID/comments"
  run_wrk "GET /api/videos/:vid" "$BASE/api/videos/$VID"
  run_wrk "GET /api/videos/:vid/comments" "$BASE/api/videos/$VID/comments"
  local count
  for count in 3 20; do
    seed_videos "$count"
    warm_up "$BASE/api/user/$LISTER/videos" "$BASE/api/videos"
    run_wrk "GET /api/user/:name/videos ($(page_size "/api/user/$LISTER/videos"))" "$BASE/api/user/$LISTER/videos"
    run_wrk "GET /api/videos ($(page_size /api/videos))" "$BASE/api/videos"
  done
  echo
  say "summary ($DURATION per URL, $THREADS threads, $CONNECTIONS connections, $(nproc) cores)"
  local line
  for line in "${RESULTS[@]}"; do
    echo "  $line"
  done
  if ((FAILED)) && [[ "${BENCH_ENFORCE:-}" == 1 ]]; then
    exit 1
  fi
}

main "$@"
