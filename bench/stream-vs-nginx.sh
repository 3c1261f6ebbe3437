#!/usr/bin/env bash
# Streaming benchmark: the gateway's GET /stream/videos/:vid against Debian's nginx (sendfile on)
# serving the same file on loopback, measured in the same run.
#
#   1. one client at a time: curl -o /dev/null, RUNS downloads from each, alternating; prints the
#      median MB/s of each and the ratio gateway/nginx (goal: >= 0.80);
#   2. CLIENTS clients at once: the aggregate MB/s of each, and the gateway's resident memory (RSS)
#      before and at its peak while they stream.
#
# Starts everything it measures and stops it at the end: nginx with its own prefix and config in a
# temporary folder (installed with apt-get if missing), and user-svc, media-svc and the gateway from
# their jars (built if missing) on spare loopback ports, with their own database schema (on the
# MariaDB of MEDIAMESH_DB_URL, default 127.0.0.1:3306, dropped afterwards) and a video folder in
# the temporary folder. The file (an MP4 signature, then random bytes) is uploaded through the API.
#
# Environment: SIZE_MIB (file size, default 256), RUNS (default 5), CLIENTS (default 32),
# JAVA_OPTS (JVM options of each service, default -Xmx512m as ./mediamesh up uses),
# MEDIAMESH_CONFIG (a HOCON file the three services read, e.g. to try other chunk sizes).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SIZE_MIB="${SIZE_MIB:-256}"
RUNS="${RUNS:-5}"
CLIENTS="${CLIENTS:-32}"
JAVA_OPTS="${JAVA_OPTS:--Xmx512m}"
VERSION="0.1.0-SNAPSHOT"
SCHEMA="mediamesh_bench_$$"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/stream-vs-nginx.XXXXXX")"
PIDS=()
NGINX_STARTED=""

say() { printf 'bench: %s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

cleanup() {
  local status=$?
  if [[ -n "$NGINX_STARTED" && -s "$WORK/nginx/nginx.pid" ]]; then
    kill -QUIT "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
  fi
  # Gateway first, then the services it calls.
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill -TERM "${PIDS[i]}" 2>/dev/null || true
    wait "${PIDS[i]}" 2>/dev/null || true
  done
  if command -v mariadb >/dev/null 2>&1; then
    mariadb_cli -e "DROP DATABASE IF EXISTS \`$SCHEMA\`" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mariadb_cli() {
  local url="${MEDIAMESH_DB_URL:-jdbc:mariadb://127.0.0.1:3306}" hostport
  hostport="${url#jdbc:mariadb://}"
  hostport="${hostport%%/*}"
  mariadb --no-defaults -h"${hostport%:*}" -P"${hostport#*:}" -u"${MEDIAMESH_DB_USER:-root}" \
    ${MEDIAMESH_DB_PASSWORD:+-p"$MEDIAMESH_DB_PASSWORD"} "$@"
}

ensure_nginx() {
  command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] && return 0
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null || die "nginx is missing: apt-get install -y nginx"
    sudo=(sudo -n)
  fi
  say "installing nginx (Debian package)"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx </dev/null
}

# A loopback port nothing listens on and that this run has not taken yet.
TAKEN=" "
spare_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    [[ "$TAKEN" == *" $port "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      TAKEN+="$port "
      printf '%s' "$port"
      return
    fi
  done
}

wait_healthy() {
  local name="$1" url="$2" pid="$3" waited=0
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$WORK/$name.log" >&2; die "$name exited"; }
    ((waited++ < 120)) || die "$name did not become healthy"
    sleep 0.5
  done
}

# Median of the numbers on stdin.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mbps() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }

# ---------------------------------------------------------------------------------------------
ensure_nginx
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
for module in user-svc media-svc gateway; do
  if [[ ! -f "$module/target/$module-$VERSION.jar" ]]; then
    say "building the service jars"
    ./mvnw -q -DskipTests package -pl user-svc,media-svc,gateway -am
    break
  fi
done

say "creating a ${SIZE_MIB} MiB file"
mkdir -p "$WORK/www" "$WORK/videos" "$WORK/nginx"
FILE="$WORK/www/video.mp4"
{
  printf '\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2'
  head -c $((SIZE_MIB * 1024 * 1024 - 24)) /dev/urandom
} >"$FILE"
BYTES="$(stat -c %s "$FILE")"
SHA256="$(sha256sum "$FILE" | cut -d' ' -f1)"
# nginx workers may run as another user: let them read the file.
chmod 755 "$WORK" "$WORK/www"
chmod 644 "$FILE"

NGINX_PORT="$(spare_port)"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $WORK/nginx/client_body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  types { video/mp4 mp4; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
  }
}
CONF
"$NGINX" -p "$WORK/nginx/" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf"
NGINX_STARTED=1
NGINX_URL="http://127.0.0.1:$NGINX_PORT/video.mp4"
waited=0
until curl -fsS -o /dev/null -r 0-0 "$NGINX_URL" 2>/dev/null; do
  ((waited++ < 40)) || die "nginx did not answer: $(cat "$WORK/nginx/error.log")"
  sleep 0.25
done
say "nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') on 127.0.0.1:$NGINX_PORT (sendfile on)"

USER_PORT="$(spare_port)"
MEDIA_PORT="$(spare_port)"
GATEWAY_PORT="$(spare_port)"
export MEDIAMESH_USER_SVC_PORT="$USER_PORT" MEDIAMESH_MEDIA_SVC_PORT="$MEDIA_PORT"
export MEDIAMESH_GATEWAY_PORT="$GATEWAY_PORT"
export MEDIAMESH_USER_SVC_ENDPOINT="127.0.0.1:$USER_PORT" MEDIAMESH_MEDIA_SVC_ENDPOINT="127.0.0.1:$MEDIA_PORT"
# Nothing of a developer's running mesh is used: the other services point at ports of this run.
export MEDIAMESH_CONFIG_SVC_ENDPOINT="127.0.0.1:$(spare_port)"
export MEDIAMESH_SCHEDULER_SVC_ENDPOINT="127.0.0.1:$(spare_port)"
export MEDIAMESH_USER_SVC_DB_SCHEMA="$SCHEMA"
export MEDIAMESH_VIDEO_ROOT="$WORK/videos" MEDIAMESH_VIDEO_MAX_SIZE="$((SIZE_MIB + 1))MiB"
export MEDIAMESH_STREAM_TOKENS="$((CLIENTS + 8))"
export MEDIAMESH_SERVICE_TOKEN="bench-$RANDOM$RANDOM"

start_service() {
  local module="$1" port="$2"
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$module/target/$module-$VERSION.jar" >"$WORK/$module.log" 2>&1 </dev/null &
  PIDS+=($!)
  wait_healthy "$module" "http://127.0.0.1:$port/health" "$!"
}
start_service user-svc "$USER_PORT"
start_service media-svc "$MEDIA_PORT"
start_service gateway "$GATEWAY_PORT"
GATEWAY_PID="${PIDS[2]}"
BASE="http://127.0.0.1:$GATEWAY_PORT"
say "user-svc :$USER_PORT, media-svc :$MEDIA_PORT, gateway :$GATEWAY_PORT (JAVA_OPTS=$JAVA_OPTS)"

SID="$(curl -fsS -XPOST "$BASE/api/register" -d '{"user_name":"bench","pwd":"bench-password"}' \
       | sed -n 's/.*"session_id":"\([^"]*\)".*/\1/p')"
[[ -n "$SID" ]] || die "could not register"
VID="$(curl -fsS -XPOST "$BASE/api/user/bench/videos" -H "X-Session-Id: $SID" -d '{"name":"bench"}' \
       | sed -n 's/.*"id":\([0-9]*\).*/\1/p')"
[[ -n "$VID" ]] || die "could not create a video"
say "uploading the file through POST /upload/videos/$VID"
started=$(date +%s.%N)
answer="$(curl -sS -XPOST "$BASE/upload/videos/$VID" -H "X-Session-Id: $SID" -H 'Content-Type: video/mp4' \
          --data-binary @"$FILE")"
ended=$(date +%s.%N)
[[ "$answer" == *"\"sha256\":\"$SHA256\""* ]] || die "upload failed: $answer"
say "upload: $(mbps "$(awk -v b="$BYTES" -v s="$started" -v e="$ended" 'BEGIN { print b / (e - s) }')") MB/s, sha256 matches"
GATEWAY_URL="$BASE/stream/videos/$VID"

got="$(curl -fsS "$GATEWAY_URL" | sha256sum | cut -d' ' -f1)"
[[ "$got" == "$SHA256" ]] || die "the gateway served different bytes"

download() { curl -fsS -o /dev/null -w '%{speed_download} %{size_download}\n' "$1"; }

say "warming up"
# Several rounds: the JIT compiles the hot paths of the services over the first gigabytes.
for _ in 1 2 3 4 5; do download "$NGINX_URL" >/dev/null; download "$GATEWAY_URL" >/dev/null; done

say "one client, $RUNS downloads each, alternating"
: >"$WORK/nginx.speeds"
: >"$WORK/gateway.speeds"
for ((run = 1; run <= RUNS; run++)); do
  read -r speed size < <(download "$NGINX_URL")
  [[ "$size" == "$BYTES" ]] || die "nginx sent $size bytes"
  echo "$speed" >>"$WORK/nginx.speeds"
  read -r speed size < <(download "$GATEWAY_URL")
  [[ "$size" == "$BYTES" ]] || die "the gateway sent $size bytes"
  echo "$speed" >>"$WORK/gateway.speeds"
done
NGINX_ONE="$(median <"$WORK/nginx.speeds")"
GATEWAY_ONE="$(median <"$WORK/gateway.speeds")"

# CLIENTS downloads at once; prints the aggregate bytes/s. Runs in a subshell ($(...)), so `wait`
# waits for its curls only.
concurrent() {
  local url="$1" i started ended
  started=$(date +%s.%N)
  for ((i = 0; i < CLIENTS; i++)); do
    curl -fsS -o /dev/null "$url" &
  done
  wait
  ended=$(date +%s.%N)
  awk -v b="$BYTES" -v n="$CLIENTS" -v s="$started" -v e="$ended" 'BEGIN { print b * n / (e - s) }'
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$GATEWAY_PID/status"; }
RSS_BEFORE="$(rss_kib)"
say "$CLIENTS clients at once (gateway RSS before: $((RSS_BEFORE / 1024)) MiB)"
NGINX_MANY="$(concurrent "$NGINX_URL")"
(
  peak=0
  while kill -0 "$GATEWAY_PID" 2>/dev/null; do
    rss="$(rss_kib)"
    ((rss > peak)) && peak=$rss && echo "$peak" >"$WORK/rss.peak"
    sleep 0.1
  done
) &
RSS_SAMPLER=$!
GATEWAY_MANY="$(concurrent "$GATEWAY_URL")"
kill "$RSS_SAMPLER" 2>/dev/null || true
wait "$RSS_SAMPLER" 2>/dev/null || true
RSS_PEAK="$(cat "$WORK/rss.peak")"

echo
printf '%-34s %12s %12s %8s\n' "streaming a $SIZE_MIB MiB file" "nginx" "gateway" "ratio"
printf '%-34s %9s MB/s %7s MB/s %8s\n' "1 client (median of $RUNS)" "$(mbps "$NGINX_ONE")" "$(mbps "$GATEWAY_ONE")" \
  "$(awk -v g="$GATEWAY_ONE" -v n="$NGINX_ONE" 'BEGIN { printf "%.2f", g / n }')"
printf '%-34s %9s MB/s %7s MB/s %8s\n' "$CLIENTS clients (aggregate)" "$(mbps "$NGINX_MANY")" "$(mbps "$GATEWAY_MANY")" \
  "$(awk -v g="$GATEWAY_MANY" -v n="$NGINX_MANY" 'BEGIN { printf "%.2f", g / n }')"
printf 'gateway RSS: %d MiB before, %d MiB peak with %d clients streaming (JVM %s)\n' \
  $((RSS_BEFORE / 1024)) $((RSS_PEAK / 1024)) "$CLIENTS" "$JAVA_OPTS"
printf 'each 1-client run, MB/s: nginx %s; gateway %s\n' \
  "$(while read -r v; do printf '%s ' "$(mbps "$v")"; done <"$WORK/nginx.speeds")" \
  "$(while read -r v; do printf '%s ' "$(mbps "$v")"; done <"$WORK/gateway.speeds")"
printf 'load average at the end: %s (the machine is shared: compare figures of one run only)\n' \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'goal: 1-client ratio >= 0.80\n'
