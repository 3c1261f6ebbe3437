#!/usr/bin/env bash
# Media rooms benchmark, on the demo media plane of ./mediamesh up.
#
#  (a) Video room create + destroy against ONE Janus (BENCH_SERVER, default demo-origin; the other
#      enabled servers are disabled in the registry through the admin API for the run and enabled
#      again afterwards), with wrk and bench/rooms.lua, one connection per wrk thread, at each
#      concurrency of CONCURRENCY: once through the gateway (POST /api/rooms/video, then DELETE
#      /api/rooms/video/:room; gateway -> media-svc -> Janus, records in MariaDB) and once against
#      that server's Janus HTTP API directly (create/destroy with the videoroom admin_key, the same
#      fields media-svc sends), so that the control plane's overhead shows. Prints pairs/s and the
#      p50/p90/p99/max of each request.
#  (b) Forwarding set-up across the three tiers (origin -> relay -> both edges): creates a stream,
#      then FORWARDS times POST and DELETE /api/streams/:id/forward, timed with curl; prints the
#      p50/p90/max of each. Says "streams routes not available" when the gateway has no
#      POST /api/streams yet.
#
# Uses the gateway answering on 127.0.0.1:${MEDIAMESH_GATEWAY_PORT:-8080} (its media plane must be
# running); when none answers, starts the mesh with `./mediamesh up` and stops it at the end. Only
# 127.0.0.1 is used. Everything it creates (rooms, the stream, its user) is removed at the end, and
# the servers it disabled are enabled again, also on Ctrl-C.
#
# Environment: DURATION (wrk -d per run, 15s), WARMUP (untimed run per target first, 5s; 0s skips),
# CONCURRENCY (connections, one run each: "1 8"), FORWARDS (20), BENCH_SERVER (demo-origin),
# MEDIAMESH_HOME, MEDIAMESH_ADMIN_USER / MEDIAMESH_ADMIN_PASSWORD (else $MEDIAMESH_HOME/admin-password).
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/mesh.sh
. "$ROOT/bench/mesh.sh"

DURATION="${DURATION:-15s}"
WARMUP="${WARMUP:-5s}"
CONCURRENCY="${CONCURRENCY:-1 8}"
FORWARDS="${FORWARDS:-20}"
BENCH_SERVER="${BENCH_SERVER:-demo-origin}"
LUA="$ROOT/bench/rooms.lua"
# Rooms the direct runs create carry this description (bench/rooms.lua).
DIRECT_DESCRIPTION="mediamesh-bench-direct"
DIRECT_SECRET="mediamesh-bench-secret"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/bench-rooms.XXXXXX")"
ADMIN_SID=""
USER_SID=""
USER_NAME=""
JANUS_URL=""
ADMIN_KEY=""
STREAM_ID=""
# Servers this run disabled, also kept in a file so that a run killed with SIGKILL is repaired by the next.
DISABLED_FILE="$MEDIAMESH_HOME/bench-rooms.disabled"

cleanup() {
  local status=$?
  trap - INT TERM
  # Each step in a subshell: one that fails (and dies) must not skip the others.
  if bench_gateway_up && [[ -n "$ADMIN_SID" ]]; then
    [[ -z "$STREAM_ID" ]] || (delete_stream) || true
    [[ -z "$USER_SID" ]] || (remove_gateway_rooms) || true
    [[ -z "$JANUS_URL" ]] || (remove_direct_rooms) || true
    (restore_servers) || true
    [[ -z "$USER_SID" ]] || (remove_user) || true
  fi
  bench_stop_mesh
  rm -rf "$WORK"
  exit "$status"
}
bench_on_exit cleanup

# call METHOD PATH SESSION [JSON]: the body lands in $WORK/body, the status is printed. The session
# and the body reach curl through a pipe and stdin, never its command line (ps shows that to all).
call() {
  local method="$1" path="$2" session="$3" body="${4:-}"
  local args=(-sS -o "$WORK/body" -w '%{http_code}' --max-time 30 -X "$method")
  [[ -z "$body" ]] || args+=(-H 'Content-Type: application/json' --data-binary @-)
  # A failed connection prints 000.
  if [[ -z "$session" ]]; then
    printf '%s' "$body" | curl "${args[@]}" "$BASE$path" || true
  else
    printf '%s' "$body" | curl "${args[@]}" -H @<(printf 'X-Session-Id: %s\n' "$session") "$BASE$path" || true
  fi
}

# expect STATUS METHOD PATH SESSION [JSON]: as call, dying on another status.
expect() {
  local expected="$1" status
  shift
  status="$(call "$@")"
  [[ "$status" == "$expected" ]] || die "$1 $2 answered $status (expected $expected): $(head -c 400 "$WORK/body")"
}

login() {
  local password="${MEDIAMESH_ADMIN_PASSWORD:-}"
  if [[ -z "$password" ]]; then
    [[ -r "$MEDIAMESH_HOME/admin-password" ]] ||
      die "no MEDIAMESH_ADMIN_PASSWORD and no $MEDIAMESH_HOME/admin-password (set MEDIAMESH_HOME to the mesh's)"
    password="$(head -n 1 "$MEDIAMESH_HOME/admin-password")"
  fi
  # printf is a shell builtin: the password reaches jq on stdin, not on its command line.
  expect 200 POST /api/login "" "$(printf '%s' "$password" |
    jq -Rs --arg u "${MEDIAMESH_ADMIN_USER:-admin}" '{user_name: $u, pwd: .}')"
  ADMIN_SID="$(jq -r .response.session_id "$WORK/body")"
  USER_NAME="bench_rooms_$(head -c 5 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  expect 201 POST /api/register "" "{\"user_name\":\"$USER_NAME\",\"pwd\":\"benchpass123\"}"
  USER_SID="$(jq -r .response.session_id "$WORK/body")"
}

remove_user() {
  call DELETE "/api/user/$USER_NAME" "$USER_SID" >/dev/null
  USER_SID=""
}

# Every registered server (the registry's view, with overrides and endpoints) into $WORK/servers.json.
list_servers() {
  expect 200 GET "/api/admin/servers?limit=500" "$ADMIN_SID"
  jq '.response.servers' "$WORK/body" >"$WORK/servers.json"
}

# set_enabled ID true|false: PUT the server back with only `enabled` changed.
set_enabled() {
  local id="$1" enabled="$2"
  expect 200 GET "/api/admin/servers/$id" "$ADMIN_SID"
  expect 200 PUT "/api/admin/servers/$id" "$ADMIN_SID" "$(jq --argjson e "$enabled" '.response |
    {name, role, public_address, internal_address, relay_group, agent_endpoint, enabled: $e, overrides}' "$WORK/body")"
}

restore_servers() {
  [[ -s "$DISABLED_FILE" ]] || { rm -f "$DISABLED_FILE"; return 0; }
  local id names=()
  while read -r id; do
    set_enabled "$id" true
    names+=("$(jq -r .response.name "$WORK/body")")
  done <"$DISABLED_FILE"
  rm -f "$DISABLED_FILE"
  say "enabled again: ${names[*]}"
}

# Waits until the health check has seen BENCH_SERVER healthy; it is then the only server left enabled.
isolate_server() {
  local waited=0 status
  restore_servers # a previous run that was killed
  list_servers
  (($(jq length "$WORK/servers.json") > 0)) ||
    die "no media server is registered: the demo media plane did not start (see $MEDIAMESH_HOME/logs/bench-up.log, or the output of ./mediamesh up)"
  jq -e --arg n "$BENCH_SERVER" 'any(.[]; .name == $n)' "$WORK/servers.json" >/dev/null ||
    die "no server named $BENCH_SERVER (BENCH_SERVER) in the registry: $(jq -r '[.[].name] | join(", ")' "$WORK/servers.json")"
  while status="$(jq -r --arg n "$BENCH_SERVER" '.[] | select(.name == $n) | .status' "$WORK/servers.json")" &&
    [[ "$status" != healthy ]]; do
    ((waited < 60)) || die "$BENCH_SERVER is still $status after 60 s: $(jq -r --arg n "$BENCH_SERVER" \
      '.[] | select(.name == $n) | .status_message' "$WORK/servers.json")"
    sleep 2
    waited=$((waited + 2))
    list_servers
  done
  jq -e --arg n "$BENCH_SERVER" '.[] | select(.name == $n) | .enabled' "$WORK/servers.json" >/dev/null ||
    die "$BENCH_SERVER is disabled in the registry"
  JANUS_URL="$(jq -r --arg n "$BENCH_SERVER" '.[] | select(.name == $n) | .endpoints.janus_api_url' "$WORK/servers.json")"
  [[ "$JANUS_URL" == http://127.0.0.1:* ]] || die "$BENCH_SERVER's Janus is not on loopback: $JANUS_URL"
  local role
  role="$(jq -r --arg n "$BENCH_SERVER" '.[] | select(.name == $n) | .role' "$WORK/servers.json")"
  expect 200 GET "/api/admin/configs/janus/$role" "$ADMIN_SID"
  ADMIN_KEY="$(jq -r .response.document.videoroom.admin_key "$WORK/body")"

  local id
  mkdir -p "$MEDIAMESH_HOME"
  : >"$DISABLED_FILE"
  for id in $(jq -r --arg n "$BENCH_SERVER" '.[] | select(.enabled and .name != $n) | .id' "$WORK/servers.json"); do
    echo "$id" >>"$DISABLED_FILE"
    set_enabled "$id" false
  done
  OTHERS="$(wc -l <"$DISABLED_FILE")"
  say "rooms go to $BENCH_SERVER only ($JANUS_URL); disabled for the run: $(jq -r --arg n "$BENCH_SERVER" \
    '[.[] | select(.enabled and .name != $n) | .name] | join(", ")' "$WORK/servers.json")"
}

# The bench user's rooms a run left (each connection's last create), through the API.
remove_gateway_rooms() {
  local ids id cursor="" n=0
  while :; do
    [[ "$(call GET "/api/rooms/video?owned=true&limit=100${cursor:+&cursor=$cursor}" "$USER_SID")" == 200 ]] || return 1
    ids="$(jq -r '.response.rooms[].room_id' "$WORK/body")"
    cursor="$(jq -r '.response.next_cursor // empty' "$WORK/body")"
    for id in $ids; do
      [[ "$(call DELETE "/api/rooms/video/$id" "$USER_SID")" == 204 ]] && n=$((n + 1))
    done
    [[ -n "$cursor" ]] || break
  done
  ((n == 0)) || say "removed $n room(s) left by the run"
}

# janus_post PATH JSON: a request to the Janus HTTP API, the answer on stdout.
# The body (it may hold the admin_key) goes through stdin.
janus_post() {
  printf '%s' "$2" | curl -sS --max-time 5 -X POST -H 'Content-Type: application/json' --data-binary @- "$JANUS_URL$1"
}

# The direct runs' rooms still on the Janus (each connection's last create).
remove_direct_rooms() {
  local session handle ids id n=0
  session="$(janus_post "" '{"janus":"create","transaction":"c"}' | jq -r '.data.id // empty')"
  [[ -n "$session" ]] || return 1
  handle="$(janus_post "/$session" '{"janus":"attach","plugin":"janus.plugin.videoroom","transaction":"c"}' |
    jq -r '.data.id // empty')"
  if [[ -n "$handle" ]]; then
    # Room ids may pass 2^53: read them as text, not as JSON numbers.
    ids="$(janus_post "/$session/$handle" \
      "{\"janus\":\"message\",\"transaction\":\"c\",\"body\":{\"request\":\"list\",\"admin_key\":\"$ADMIN_KEY\"}}" |
      python3 -c 'import json, sys
for room in json.load(sys.stdin, parse_int=str)["plugindata"]["data"].get("list", []):
    if room.get("description") == sys.argv[1]:
        print(room["room"])' "$DIRECT_DESCRIPTION")"
    for id in $ids; do
      janus_post "/$session/$handle" "{\"janus\":\"message\",\"transaction\":\"c\",\"body\":{\"request\":\"destroy\",\"room\":$id,\"secret\":\"$DIRECT_SECRET\"}}" |
        grep -q '"destroyed"' && n=$((n + 1))
    done
  fi
  janus_post "/$session" '{"janus":"destroy","transaction":"c"}' >/dev/null || true
  ((n == 0)) || say "removed $n room(s) left on Janus by the direct run"
}

# run_rooms LABEL TARGET URL CONNECTIONS DURATION: one wrk run; its rooms-result line in RESULT_LINE.
run_rooms() {
  local label="$1" target="$2" url="$3" connections="$4" duration="$5" out
  out="$WORK/wrk-$target-$connections.txt"
  ROOMS_TARGET="$target" ROOMS_SESSION="$USER_SID" ROOMS_ADMIN_KEY="$ADMIN_KEY" \
    wrk -t"$connections" -c"$connections" -d"$duration" --timeout 10s -s "$LUA" "$url" >"$out" 2>&1 ||
    { cat "$out" >&2; die "wrk failed ($label)"; }
  if [[ "$target" == gateway ]]; then remove_gateway_rooms; else remove_direct_rooms; fi
  RESULT_LINE="$(grep '^rooms-result ' "$out")" || { cat "$out" >&2; die "no result from wrk ($label)"; }
}

ROWS=()
SERVER_ROWS=()

# Sum and count of Armeria's grpc_service_total_duration_seconds for the successful calls of the
# methods a room's create and destroy go through: "METHOD SUM COUNT" lines.
server_times() {
  local port
  for port in "${MEDIAMESH_MEDIA_SVC_PORT:-9102}" "${MEDIAMESH_CONFIG_SVC_PORT:-9103}"; do
    curl -sS --max-time 5 "http://127.0.0.1:$port/metrics" || true
  done | awk '
    /^grpc_service_total_duration_seconds_(sum|count)\{/ && /grpc_status="0"/ &&
    match($0, /method="(CreateVideoRoom|DestroyVideoRoom|ListServers)"/) {
      method = substr($0, RSTART + 8, RLENGTH - 9)
      if ($0 ~ /_sum\{/) sum[method] += $NF; else count[method] += $NF
    }
    END { for (m in count) print m, sum[m] + 0, count[m] }'
}

# server_row CONNECTIONS BEFORE AFTER: the mean server-side time per call between two server_times.
server_row() {
  local connections="$1" before="$2" after="$3"
  SERVER_ROWS+=("$(awk -v c="$connections" '
    FNR == NR { s0[$1] = $2; n0[$1] = $3; next }
    { s[$1] = $2 - s0[$1]; n[$1] = $3 - n0[$1] }
    END {
      printf "%-26s %5s", "gateway (REST, media-svc)", c
      split("CreateVideoRoom DestroyVideoRoom ListServers", methods, " ")
      for (i = 1; i <= 3; i++) {
        m = methods[i]
        if (n[m] > 0) printf "   %18.2f", 1000 * s[m] / n[m]; else printf "   %18s", "-"
      }
      if (n["CreateVideoRoom"] > 0) printf "   %10.2f", n["ListServers"] / n["CreateVideoRoom"]
      printf "\n"
    }' <(printf '%s\n' "$before") <(printf '%s\n' "$after"))")
}

# measure LABEL TARGET URL CONNECTIONS: a measured run, as a table row.
measure() {
  local label="$1" target="$2" url="$3" connections="$4"
  say "$label, $connections connection(s), $DURATION"
  local before=""
  [[ "$target" != gateway ]] || before="$(server_times)"
  run_rooms "$label" "$target" "$url" "$connections" "$DURATION"
  [[ "$target" != gateway ]] || server_row "$connections" "$before" "$(server_times)"
  local _tag pairs seconds errors c50 c90 c99 cmax d50 d90 d99 dmax
  read -r _tag pairs seconds errors c50 c90 c99 cmax d50 d90 d99 dmax <<<"$RESULT_LINE"
  ROWS+=("$(printf '%-26s %5s %9s   %7s %7s %7s %8s   %7s %7s %7s %8s   %6s' "$label" "$connections" \
    "$(awk -v p="$pairs" -v s="$seconds" 'BEGIN { printf "%.1f", (s > 0 ? p / s : 0) }')" \
    "$c50" "$c90" "$c99" "$cmax" "$d50" "$d90" "$d99" "$dmax" "$errors")")
  RESULTS+=("$target $connections $pairs $seconds $c50 $d50")
}

RESULTS=()
RESULT_LINE=""

rooms_part() {
  local c max=1
  for c in $CONCURRENCY; do
    [[ "$c" =~ ^[1-9][0-9]*$ ]] || die "CONCURRENCY holds $c: connection counts only"
    ((c > max)) && max=$c
  done
  if [[ "$WARMUP" != 0s && "$WARMUP" != 0 ]]; then
    say "warm-up (untimed): $WARMUP through the gateway and $WARMUP on Janus directly, $max connection(s)"
    run_rooms "warm-up gateway" gateway "$BASE" "$max" "$WARMUP"
    run_rooms "warm-up direct" janus "$JANUS_URL" "$max" "$WARMUP"
  fi
  for c in $CONCURRENCY; do
    measure "gateway (REST, media-svc)" gateway "$BASE" "$c"
    measure "Janus HTTP API directly" janus "$JANUS_URL" "$c"
  done
}

print_rooms() {
  echo
  say "(a) video room create + destroy on $BENCH_SERVER's Janus only ($OTHERS other server(s) disabled), $DURATION per run, $(nproc) cores"
  echo
  printf '  %-26s %5s %9s   %-33s   %-33s   %6s\n' "" "" "" "create, ms" "destroy, ms" ""
  printf '  %-26s %5s %9s   %7s %7s %7s %8s   %7s %7s %7s %8s   %6s\n' "path" "conns" "pairs/s" \
    p50 p90 p99 max p50 p90 p99 max errors
  local row
  for row in "${ROWS[@]}"; do
    echo "  $row"
  done
  echo
  say "where the gateway path's time goes: mean server-side time per call, ms (Armeria total_duration on /metrics)"
  echo
  printf '  %-26s %5s   %18s   %18s   %18s   %10s\n' "path" "conns" "media-svc create" "media-svc destroy" \
    "config-svc list" "lists/room"
  for row in "${SERVER_ROWS[@]}"; do
    echo "  $row"
  done
  echo
  # The control plane's share: per concurrency, gateway against direct.
  local c
  for c in $CONCURRENCY; do
    printf '%s\n' "${RESULTS[@]}" | awk -v c="$c" '
      $2 == c { pairs[$1] = $3 / $4; create[$1] = $5; destroy[$1] = $6 }
      END {
        if (pairs["janus"] > 0 && pairs["gateway"] > 0)
          printf "  %s connection(s): the gateway path does %.1f%% of Janus'"'"'s pairs/s; p50 create +%.2f ms, destroy +%.2f ms over Janus\n",
            c, 100 * pairs["gateway"] / pairs["janus"], create["gateway"] - create["janus"], destroy["gateway"] - destroy["janus"]
      }'
  done
}

delete_stream() {
  local status
  status="$(call DELETE "/api/streams/$STREAM_ID" "$STREAM_SID")"
  [[ "$status" == 204 ]] || say "DELETE /api/streams/$STREAM_ID answered $status: $(head -c 300 "$WORK/body")"
  STREAM_ID=""
}

# percentiles FILE: p50 p90 max of the numbers in FILE (one a line).
percentiles() {
  sort -n "$1" | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "- - -"; exit }
    i50 = int(0.5 * NR + 0.999999); i90 = int(0.9 * NR + 0.999999)
    printf "%.1f %.1f %.1f\n", v[i50], v[i90], v[NR] }'
}

# timed METHOD STATUS FILE: METHOD /api/streams/:id/forward; appends its time in ms to FILE, or
# fails on another status.
timed() {
  local method="$1" expected="$2" file="$3" out status time
  out="$(curl -sS -o "$WORK/body" -w '%{http_code} %{time_total}' --max-time 30 -X "$method" \
    -H "X-Session-Id: $STREAM_SID" "$BASE/api/streams/$STREAM_ID/forward" || true)"
  read -r status time <<<"$out"
  if [[ "$status" != "$expected" ]]; then
    say "$method /api/streams/$STREAM_ID/forward answered $status: $(head -c 400 "$WORK/body")"
    return 1
  fi
  awk -v t="$time" 'BEGIN { printf "%.3f\n", t * 1000 }' >>"$file"
}

streams_part() {
  echo
  local status code
  STREAM_SID="$USER_SID"
  status="$(call POST /api/streams "$STREAM_SID" '{"name":"mediamesh bench","audio":true,"video":true}')"
  if [[ "$status" == 403 ]]; then
    STREAM_SID="$ADMIN_SID"
    status="$(call POST /api/streams "$STREAM_SID" '{"name":"mediamesh bench","audio":true,"video":true}')"
  fi
  code="$(jq -r '.code // empty' "$WORK/body" 2>/dev/null || true)"
  if [[ "$status" == 404 && "$code" != *STREAM* ]] || [[ "$status" == 405 || "$status" == 501 ]] ||
    [[ "$code" == *UNIMPLEMENTED* ]]; then
    say "(b) forwarding set-up: streams routes not available (POST /api/streams answered $status${code:+ $code})"
    return 0
  fi
  if [[ "$status" != 201 ]]; then
    say "(b) forwarding set-up: POST /api/streams answered $status: $(head -c 400 "$WORK/body")"
    FAILED=1
    return 0
  fi
  STREAM_ID="$(jq -r '.response.stream_id // .response.stream.stream_id // empty' "$WORK/body")"
  [[ -n "$STREAM_ID" ]] || die "POST /api/streams gave no stream_id: $(head -c 400 "$WORK/body")"
  say "(b) stream $STREAM_ID: $FORWARDS times POST then DELETE /api/streams/$STREAM_ID/forward"
  local i tiers="" fail=0
  : >"$WORK/forward.txt"
  : >"$WORK/unforward.txt"
  for ((i = 0; i < FORWARDS; i++)); do
    timed POST 200 "$WORK/forward.txt" || { fail=1; break; }
    [[ -n "$tiers" ]] || tiers="$(jq -r '[.response.tiers[]?.role] as $roles | ["origin", "relay", "edge"] |
      map(. as $role | ($roles | map(select(. == $role)) | length) as $n | select($n > 0) | "\($n) \($role)") |
      join(", ")' "$WORK/body" 2>/dev/null || true)"
    timed DELETE 204 "$WORK/unforward.txt" || { fail=1; break; }
  done
  delete_stream
  ((fail == 0)) || FAILED=1
  echo
  say "(b) forwarding set-up across three tiers, $(wc -l <"$WORK/forward.txt") of $FORWARDS runs${tiers:+ (tiers: $tiers)}"
  echo
  printf '  %-40s %8s %8s %8s\n' "request (curl time_total, ms)" p50 p90 max
  local p50 p90 max
  read -r p50 p90 max <<<"$(percentiles "$WORK/forward.txt")"
  printf '  %-40s %8s %8s %8s\n' "POST /api/streams/:id/forward" "$p50" "$p90" "$max"
  read -r p50 p90 max <<<"$(percentiles "$WORK/unforward.txt")"
  printf '  %-40s %8s %8s %8s\n' "DELETE /api/streams/:id/forward" "$p50" "$p90" "$max"
}

FAILED=0
OTHERS=0
STREAM_SID=""

main() {
  local tool
  for tool in curl jq python3; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing"
  done
  [[ "$FORWARDS" =~ ^[1-9][0-9]*$ ]] || die "FORWARDS must be a positive number"
  bench_ensure_wrk
  bench_ensure_mesh
  login
  isolate_server
  rooms_part
  restore_servers
  remove_direct_rooms
  JANUS_URL=""
  print_rooms
  streams_part
  ((FAILED == 0)) || exit 1
}

main "$@"
