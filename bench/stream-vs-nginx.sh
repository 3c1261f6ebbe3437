#!/usr/bin/env bash
# The video byte path against Debian's nginx (sendfile on) serving the same file on loopback, in the
# same run:
#
#   1. playback, one client at a time: curl -L on GET /stream/videos/:vid of the gateway (the URL the
#      API documents; the gateway redirects to media-svc's file server), RUNS downloads from each,
#      alternating; the median MB/s of each and the ratio (goals: >= 0.90);
#   2. playback, CLIENTS clients at once: the aggregate MB/s of each (goal: >= 0.80);
#   3. SLOW clients that read 16 KiB/s each from their own loopback address: how many were let in and
#      refused (429), no 5xx, and the resident memory (RSS) of every process on the path, before and
#      at its peak;
#   4. upload: an UPLOAD_MIB file through POST /upload/videos/:vid of the gateway, and as tus PATCHes
#      of 64 MiB through /upload/resumable, against sha256sum of the same file (goal: >= 0.5x).
#
# Starts everything it measures and stops it at the end: nginx with its own prefix and config in a
# temporary folder (installed with apt-get if missing), and user-svc, media-svc and the gateway from
# their jars (built if missing) on spare loopback ports, with their own database schemas (on the
# MariaDB of MEDIAMESH_DB_URL, default 127.0.0.1:3306, dropped afterwards) and a video folder in
# the temporary folder (TMPDIR; the files go in the page cache, as a hot video's would).
#
# Environment: SIZE_MIB (file size, default 256), RUNS (default 5), CLIENTS (default 32), SLOW
# (default 200), UPLOAD_MIB (default 1024), JAVA_OPTS (JVM options of each service, default -Xmx512m
# as ./mediamesh up uses), MEDIAMESH_CONFIG (a HOCON file the services read).
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SIZE_MIB="${SIZE_MIB:-256}"
RUNS="${RUNS:-5}"
CLIENTS="${CLIENTS:-32}"
SLOW="${SLOW:-200}"
UPLOAD_MIB="${UPLOAD_MIB:-1024}"
JAVA_OPTS="${JAVA_OPTS:--Xmx512m}"
VERSION="0.1.0-SNAPSHOT"
SCHEMA="mediamesh_bench_$$"
MEDIA_SCHEMA="mediamesh_bench_media_$$"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/stream-vs-nginx.XXXXXX")"
PIDS=()
NGINX_STARTED=""

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
    mariadb_cli -e "DROP DATABASE IF EXISTS \`$SCHEMA\`; DROP DATABASE IF EXISTS \`$MEDIA_SCHEMA\`" >/dev/null 2>&1 ||
      true
  fi
  if [[ $status -ne 0 ]]; then
    # What the services said is the first thing to read when a step failed.
    for log in "$WORK"/*.log; do
      [[ -f "$log" ]] && { printf '\n== %s\n' "$log" >&2; grep -E 'WARN|ERROR|Exception|^\s+at ' "$log" | tail -n 40 >&2; }
    done
  fi
  rm -rf "$WORK"
  exit "$status"
}
bench_on_exit cleanup

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
FILES_PORT="$(spare_port)"
GATEWAY_PORT="$(spare_port)"
GATEWAY_MANAGEMENT_PORT="$(spare_port)"
export MEDIAMESH_USER_SVC_PORT="$USER_PORT" MEDIAMESH_MEDIA_SVC_PORT="$MEDIA_PORT" MEDIAMESH_FILES_PORT="$FILES_PORT"
export MEDIAMESH_GATEWAY_PORT="$GATEWAY_PORT" MEDIAMESH_GATEWAY_MANAGEMENT_PORT="$GATEWAY_MANAGEMENT_PORT"
export MEDIAMESH_USER_SVC_ENDPOINT="127.0.0.1:$USER_PORT" MEDIAMESH_MEDIA_SVC_ENDPOINT="127.0.0.1:$MEDIA_PORT"
export MEDIAMESH_MEDIA_FILES_ENDPOINT="127.0.0.1:$FILES_PORT"
# Nothing of a developer's running mesh is used: the other services point at ports of this run.
export MEDIAMESH_CONFIG_SVC_ENDPOINT="127.0.0.1:$(spare_port)"
export MEDIAMESH_SCHEDULER_SVC_ENDPOINT="127.0.0.1:$(spare_port)"
export MEDIAMESH_USER_SVC_DB_SCHEMA="$SCHEMA" MEDIAMESH_MEDIA_SVC_DB_SCHEMA="$MEDIA_SCHEMA"
export MEDIAMESH_VIDEO_ROOT="$WORK/videos"
export MEDIAMESH_VIDEO_MAX_SIZE="$(( (SIZE_MIB > UPLOAD_MIB ? SIZE_MIB : UPLOAD_MIB) + 1 ))MiB"
# The mesh's TLS: a CA of this run and the services' certificates.
export MEDIAMESH_TLS_DIR="$WORK/tls"
java -cp "user-svc/target/user-svc-$VERSION.jar" io.mediamesh.common.tls.MeshCaFiles "$MEDIAMESH_TLS_DIR" \
  user-svc media-svc gateway >/dev/null

# PORT is where the service answers /health (the gateway: its management port).
start_service() {
  local module="$1" port="$2"
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$module/target/$module-$VERSION.jar" >"$WORK/$module.log" 2>&1 </dev/null &
  PIDS+=($!)
  wait_healthy "$module" "http://127.0.0.1:$port/health" "$!"
}
start_service user-svc "$USER_PORT"
start_service media-svc "$MEDIA_PORT"
start_service gateway "$GATEWAY_MANAGEMENT_PORT"
MEDIA_PID="${PIDS[1]}"
GATEWAY_PID="${PIDS[2]}"
BASE="http://127.0.0.1:$GATEWAY_PORT"
say "user-svc :$USER_PORT, media-svc :$MEDIA_PORT (files :$FILES_PORT), gateway :$GATEWAY_PORT (JAVA_OPTS=$JAVA_OPTS)"

SID="$(curl -fsS -XPOST "$BASE/api/register" -d '{"user_name":"bench","pwd":"bench-password"}' \
       | sed -n 's/.*"session_id":"\([^"]*\)".*/\1/p')"
[[ -n "$SID" ]] || die "could not register"
new_video() {
  curl -fsS -XPOST "$BASE/api/user/bench/videos" -H "X-Session-Id: $SID" -d "{\"name\":\"$1\"}" |
    sed -n 's/.*"id":\([0-9]*\).*/\1/p'
}
VID="$(new_video bench)"
[[ -n "$VID" ]] || die "could not create a video"
answer="$(curl -sS -XPOST "$BASE/upload/videos/$VID" -H "X-Session-Id: $SID" -H 'Content-Type: video/mp4' \
          --data-binary @"$FILE")"
[[ "$answer" == *"\"sha256\":\"$SHA256\""* ]] || die "upload failed: $answer"
GATEWAY_URL="$BASE/stream/videos/$VID"

download() { curl -fsS -L -o /dev/null -w '%{speed_download} %{size_download}\n' "$1"; }
got="$(curl -fsS -L "$GATEWAY_URL" | sha256sum | cut -d' ' -f1)"
[[ "$got" == "$SHA256" ]] || die "the gateway's URL served different bytes"

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
  [[ "$size" == "$BYTES" ]] || die "the gateway's URL sent $size bytes"
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
    curl -fsS -L -o /dev/null "$url" &
  done
  wait
  ended=$(date +%s.%N)
  awk -v b="$BYTES" -v n="$CLIENTS" -v s="$started" -v e="$ended" 'BEGIN { print b * n / (e - s) }'
}
say "$CLIENTS clients at once"
NGINX_MANY="$(concurrent "$NGINX_URL")"
GATEWAY_MANY="$(concurrent "$GATEWAY_URL")"

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# Samples the RSS of the pids given every 100 ms into $WORK/rss.<pid> (the peak), until killed.
sample_rss() {
  local pid rss
  for pid in "$@"; do echo 0 >"$WORK/rss.$pid"; done
  while :; do
    for pid in "$@"; do
      rss="$(rss_kib "$pid")"
      ((rss > $(cat "$WORK/rss.$pid"))) && echo "$rss" >"$WORK/rss.$pid"
    done
    sleep 0.1
  done
}
say "$SLOW slow clients (16 KiB/s each, one loopback address each) for 20 s"
RSS_MEDIA_BEFORE="$(rss_kib "$MEDIA_PID")"
RSS_GATEWAY_BEFORE="$(rss_kib "$GATEWAY_PID")"
sample_rss "$MEDIA_PID" "$GATEWAY_PID" &
SAMPLER=$!
for ((i = 0; i < SLOW; i++)); do
  curl -sS -L -o /dev/null -w '%{http_code}\n' --limit-rate 16k --max-time 20 \
    --interface "127.0.$((100 + i / 250)).$((1 + i % 250))" "$GATEWAY_URL" >>"$WORK/slow.codes" 2>/dev/null &
done
wait_slow() { while pgrep -f -- "--limit-rate 16k" >/dev/null; do sleep 0.5; done; }
wait_slow
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
SLOW_ADMITTED="$(grep -c '^200$' "$WORK/slow.codes" || true)"
SLOW_REFUSED="$(grep -c '^429$' "$WORK/slow.codes" || true)"
SLOW_5XX="$(grep -c '^5' "$WORK/slow.codes" || true)"

# Uploads: a file of UPLOAD_MIB, the plain route and tus, against sha256sum of the same bytes.
UPLOAD="$WORK/www/upload.mp4"
{
  printf '\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2'
  head -c $((UPLOAD_MIB * 1024 * 1024 - 24)) /dev/urandom
} >"$UPLOAD"
UPLOAD_BYTES="$(stat -c %s "$UPLOAD")"
seconds() { awk -v s="$1" -v e="$2" 'BEGIN { print e - s }'; }
say "sha256sum of $UPLOAD_MIB MiB"
cat "$UPLOAD" >/dev/null
started=$(date +%s.%N)
UPLOAD_SHA="$(sha256sum "$UPLOAD" | cut -d' ' -f1)"
SHA_SECONDS="$(seconds "$started" "$(date +%s.%N)")"

say "uploading $UPLOAD_MIB MiB through POST /upload/videos/:vid"
UP_VID="$(new_video upload)"
started=$(date +%s.%N)
# -T streams the file; --data-binary would read all of it into memory first (and fails at 1 GiB).
answer="$(curl -sS -XPOST "$BASE/upload/videos/$UP_VID" -H "X-Session-Id: $SID" -H 'Content-Type: video/mp4' \
          -H 'Expect:' -T "$UPLOAD")"
PLAIN_SECONDS="$(seconds "$started" "$(date +%s.%N)")"
[[ "$answer" == *"\"sha256\":\"$UPLOAD_SHA\""* ]] || die "upload failed: $answer"

say "uploading $UPLOAD_MIB MiB through /upload/resumable (tus, 64 MiB PATCHes)"
TUS_VID="$(new_video tus)"
started=$(date +%s.%N)
location="$(curl -sS -D - -o /dev/null -XPOST "$BASE/upload/resumable" -H 'Tus-Resumable: 1.0.0' \
            -H "X-Session-Id: $SID" -H "Upload-Length: $UPLOAD_BYTES" \
            -H "Upload-Metadata: vid $(printf '%s' "$TUS_VID" | base64)" | tr -d '\r' |
            sed -n 's/^[Ll]ocation: //p')"
[[ -n "$location" ]] || die "no tus upload was created"
CHUNK=$((64 * 1024 * 1024))
for ((offset = 0; offset < UPLOAD_BYTES; offset += CHUNK)); do
  tail -c +$((offset + 1)) "$UPLOAD" | head -c "$CHUNK" |
    curl -sS -o "$WORK/patch.out" -w '%{http_code}' -XPATCH "$BASE$location" -H 'Tus-Resumable: 1.0.0' \
         -H "X-Session-Id: $SID" -H 'Content-Type: application/offset+octet-stream' \
         -H "Upload-Offset: $offset" -H 'Expect:' -T - >"$WORK/patch.status" || true
  [[ "$(cat "$WORK/patch.status")" == 204 ]] ||
    die "a PATCH at $offset failed: $(cat "$WORK/patch.status") $(cat "$WORK/patch.out" 2>/dev/null)"
done
TUS_SECONDS="$(seconds "$started" "$(date +%s.%N)")"
tus_sha="$(curl -fsS "$BASE/api/videos/$TUS_VID" | sed -n 's/.*"sha256":"\([0-9a-f]*\)".*/\1/p')"
[[ "$tus_sha" == "$UPLOAD_SHA" ]] || die "the tus upload is not byte-identical ($tus_sha)"

ratio() { awk -v g="$1" -v n="$2" 'BEGIN { printf "%.2f", g / n }'; }
upload_mbps() { awk -v b="$UPLOAD_BYTES" -v s="$1" 'BEGIN { printf "%.1f", b / s / 1e6 }'; }
echo
printf '%-40s %12s %14s %8s\n' "streaming a $SIZE_MIB MiB file" "nginx" "GET /stream" "ratio"
printf '%-40s %9s MB/s %11s MB/s %8s\n' "1 client (median of $RUNS)" "$(mbps "$NGINX_ONE")" "$(mbps "$GATEWAY_ONE")" \
  "$(ratio "$GATEWAY_ONE" "$NGINX_ONE")"
printf '%-40s %9s MB/s %11s MB/s %8s\n' "$CLIENTS clients (aggregate)" "$(mbps "$NGINX_MANY")" "$(mbps "$GATEWAY_MANY")" \
  "$(ratio "$GATEWAY_MANY" "$NGINX_MANY")"
printf 'each 1-client run, MB/s: nginx %s; GET /stream %s\n' \
  "$(while read -r v; do printf '%s ' "$(mbps "$v")"; done <"$WORK/nginx.speeds")" \
  "$(while read -r v; do printf '%s ' "$(mbps "$v")"; done <"$WORK/gateway.speeds")"
printf '%d slow clients: %d let in, %d refused with 429, %d 5xx (pool: %s)\n' "$SLOW" "$SLOW_ADMITTED" \
  "$SLOW_REFUSED" "$SLOW_5XX" "${MEDIAMESH_STREAM_TOKENS:-the default}"
printf 'RSS with them: media-svc %d -> %d MiB peak, gateway %d -> %d MiB peak (JVM %s)\n' \
  $((RSS_MEDIA_BEFORE / 1024)) $(($(cat "$WORK/rss.$MEDIA_PID") / 1024)) \
  $((RSS_GATEWAY_BEFORE / 1024)) $(($(cat "$WORK/rss.$GATEWAY_PID") / 1024)) "$JAVA_OPTS"
printf '%-40s %9s MB/s %8s\n' "sha256sum of $UPLOAD_MIB MiB" "$(upload_mbps "$SHA_SECONDS")" ""
printf '%-40s %9s MB/s %8s\n' "POST /upload/videos/:vid" "$(upload_mbps "$PLAIN_SECONDS")" \
  "$(ratio "$SHA_SECONDS" "$PLAIN_SECONDS")"
printf '%-40s %9s MB/s %8s\n' "tus PATCHes of 64 MiB" "$(upload_mbps "$TUS_SECONDS")" \
  "$(ratio "$SHA_SECONDS" "$TUS_SECONDS")"
printf 'load average at the end: %s (the machine is shared: compare figures of one run only)\n' \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'goals: playback ratio >= 0.90 (1 client) and >= 0.80 (%d clients); upload >= 0.50 of sha256sum\n' "$CLIENTS"
