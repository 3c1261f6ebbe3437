#!/usr/bin/env bash
# Scheduler benchmark: how long two scheduler-svc instances (separate processes sharing one schema)
# take to drain TASKS video-file deletion tasks through a real media-svc process.
# Target: 10,000 tasks in under 10 s.
#
# The files exist beforehand (written in media-svc's folder layout, as uploads leave them), so every
# task really deletes one. The processes first drain WARMUP tasks, untimed, so that the figure is
# that of running services rather than of the JIT compiler warming up. The clock then starts at the first ScheduleVideoDeletions call (1,000 videos a
# call, sent to the instances in turn, with both engines already running) and stops when the last
# task is SUCCEEDED. Prints the drain time as seen by this script and by the database (first
# created_at to last completed_at), tasks per second, each instance's share and CPU time, and checks
# that no file is left and that media-svc answered exactly one DeleteVideoFile per task.
#
# Needs the MariaDB on 127.0.0.1:3306 (or MEDIAMESH_DB_URL/_USER/_PASSWORD) and a JDK 17; builds the
# media-svc and scheduler-svc jars when they are missing or older than the sources. Uses a fresh
# schema, a temporary folder and free loopback ports, and removes them at the end.
# Environment: TASKS (default 10000), WARMUP (default 20000), INSTANCES (default 2), WORKERS (per
# instance, default: the configured 8), TIMEOUT (seconds to wait for the drain, default 300),
# JAVA_OPTS (extra JVM options for the scheduler-svc processes, e.g. a flight recording).
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TASKS="${TASKS:-10000}"
WARMUP="${WARMUP:-20000}"
INSTANCES="${INSTANCES:-2}"
TIMEOUT="${TIMEOUT:-300}"
TARGET_SECONDS=10
VERSION=0.1.0-SNAPSHOT
DB_URL="${MEDIAMESH_DB_URL:-jdbc:mariadb://127.0.0.1:3306}"
DB_USER="${MEDIAMESH_DB_USER:-root}"
DB_PASSWORD="${MEDIAMESH_DB_PASSWORD:-}"
HOSTPORT="${DB_URL#jdbc:mariadb://}"
HOSTPORT="${HOSTPORT%%/*}"
DB_HOST="${HOSTPORT%%:*}"
DB_PORT="${HOSTPORT##*:}"
[[ "$DB_PORT" != "$HOSTPORT" ]] || DB_PORT=3306
SCHEMA="mmbench_scheduler_$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/scheduler-drain.XXXXXX")"
PIDS=()
SCHEDULER_PORTS=()
MEDIA_PORT=""

sql() { mysql --no-defaults -h"$DB_HOST" -P"$DB_PORT" -u"$DB_USER" ${DB_PASSWORD:+-p"$DB_PASSWORD"} -N -B -e "$1"; }

cleanup() {
  local status=$? pid
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  sql "DROP DATABASE IF EXISTS \`$SCHEMA\`" 2>/dev/null || true
  sql "DROP DATABASE IF EXISTS \`${SCHEMA}_media\`" 2>/dev/null || true
  if ((status != 0)) && compgen -G "$WORK/*.log" >/dev/null; then
    for log in "$WORK"/*.log; do
      printf 'bench: last lines of %s:\n' "$(basename "$log")" >&2
      tail -n 15 "$log" | sed 's/^/    /' >&2
    done
  fi
  rm -rf "$WORK"
  exit "$status"
}
bench_on_exit cleanup

ensure_jars() {
  local svc jar stale=0
  for svc in media-svc scheduler-svc; do
    jar="$svc/target/$svc-$VERSION.jar"
    if [[ ! -f "$jar" || ! -d "$svc/target/lib" ]] ||
       [[ -n "$(find proto common "$svc" pom.xml -path '*/target' -prune -o -type f -newer "$jar" -print -quit)" ]]; then
      stale=1
    fi
  done
  if ((stale)); then
    say "building media-svc and scheduler-svc"
    ./mvnw -o -q package -DskipTests -pl media-svc,scheduler-svc -am
  fi
}

# free_ports N: N loopback ports nothing listens on.
free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
sockets = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))
PY
}

# make_files DIR FIRST LAST: the files of videos FIRST..LAST in media-svc's layout: <id>.<sha256>.mp4,
# and a link <id> to it.
make_files() {
  python3 - "$1" "$2" "$3" <<'PY'
import hashlib, os, sys
folder, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
head = b"\0\0\0\x18ftypisom\0\0\0\x01isomavc1"
for video in range(first, last + 1):
    data = head + video.to_bytes(8, "big") * 64
    name = "%d.%s.mp4" % (video, hashlib.sha256(data).hexdigest())
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)
    os.symlink(name, os.path.join(folder, str(video)))
PY
}

healthy() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$1/health" 2>/dev/null; }

wait_healthy() {
  local name="$1" port="$2" pid="$3" waited=0
  until healthy "$port"; do
    kill -0 "$pid" 2>/dev/null || die "$name exited (see its log above)"
    ((waited < 600)) || die "$name did not answer on :$port within 60 s"
    sleep 0.1
    waited=$((waited + 1))
  done
}

# write_batches NAME FIRST LAST: request bodies for ScheduleVideoDeletions of videos FIRST..LAST, 1,000
# a call, as binary protobuf (unframed gRPC, as a service calling another sends it), in
# $WORK/NAME-<n>.bin. Written before the clock starts.
write_batches() {
  python3 - "$WORK/$1" "$2" "$3" <<'PY'
import sys
def varint(n):
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)
prefix, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for n, start in enumerate(range(first, last + 1, 1000)):
    ids = b"".join(varint(i) for i in range(start, min(start + 999, last) + 1))
    with open("%s-%03d.bin" % (prefix, n), "wb") as f:
        f.write(b"\x0a" + varint(len(ids)) + ids)  # field 1: packed repeated int64 video_ids
PY
}

# schedule NAME: sends the bodies of write_batches NAME to the instances in turn.
schedule() {
  local body n=0 status port
  for body in "$WORK/$1"-*.bin; do
    port="${SCHEDULER_PORTS[$((n % INSTANCES))]}"
    status="$(curl -sS -o "$WORK/response.bin" -w '%{http_code}' --max-time 30 -X POST \
      -H 'Content-Type: application/protobuf' --data-binary "@$body" \
      --cacert "$WORK/tls/ca.crt" --cert "$WORK/tls/user-svc.crt" --key "$WORK/tls/user-svc.key" \
      "https://127.0.0.1:$port/mediamesh.v1.SchedulerService/ScheduleVideoDeletions")"
    [[ "$status" == 200 ]] || die "ScheduleVideoDeletions answered $status: $(head -c 300 "$WORK/response.bin")"
    n=$((n + 1))
  done
}

# await_done FIRST LAST STARTED: waits until the tasks of videos FIRST..LAST are finished.
await_done() {
  local first="$1" last="$2" started="$3" done_count
  while :; do
    done_count="$(sql "SELECT COUNT(*) FROM \`$SCHEMA\`.tasks
                       WHERE video_id BETWEEN $first AND $last AND state IN ('succeeded', 'failed')")"
    ((done_count < last - first + 1)) || return 0
    awk -v s="$started" -v n="$(now)" -v t="$TIMEOUT" 'BEGIN { exit !(n - s > t) }' &&
      die "only $done_count of $((last - first + 1)) tasks finished within $TIMEOUT s"
    sleep 0.05
  done
}

# DeleteVideoFile calls media-svc has answered (its own Prometheus counter).
delete_calls() {
  curl -fsS --cacert "$WORK/tls/ca.crt" --cert "$WORK/tls/operator.crt" --key "$WORK/tls/operator.key" \
    "https://127.0.0.1:$MEDIA_PORT/metrics" |
    awk '/^grpc_service_requests_total\{/ && /method="DeleteVideoFile"/ { sum += $NF } END { printf "%d", sum }'
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
sys_ticks() { awk '{print $15}' "/proc/$1/stat"; }

now() { date +%s.%N; }

main() {
  command -v mysql >/dev/null 2>&1 || die "the mysql client is missing (apt-get install mariadb-client)"
  command -v python3 >/dev/null 2>&1 || die "python3 is missing"
  command -v curl >/dev/null 2>&1 || die "curl is missing"
  sql "SELECT 1" >/dev/null || die "no MariaDB at $DB_HOST:$DB_PORT"
  ensure_jars

  local ports media_port i
  read -r -a ports <<<"$(free_ports $((INSTANCES + 1)))"
  media_port="${ports[0]}"
  MEDIA_PORT="$media_port"
  mkdir -p "$WORK/videos"
  say "writing $((WARMUP + TASKS)) video files"
  make_files "$WORK/videos" 1 "$((WARMUP + TASKS))"

  # The mesh's TLS: a CA of this run; the curl calls play user-svc (which schedules) and an operator.
  java -cp "media-svc/target/media-svc-$VERSION.jar" io.mediamesh.common.tls.MeshCaFiles "$WORK/tls" \
    media-svc scheduler-svc user-svc operator >/dev/null
  # No user-svc or config-svc runs: their endpoints are a closed port, never a running mesh's.
  local common_env=(MEDIAMESH_TLS_DIR="$WORK/tls" MEDIAMESH_USER_SVC_ENDPOINT=127.0.0.1:1
                    MEDIAMESH_CONFIG_SVC_ENDPOINT=127.0.0.1:1
                    MEDIAMESH_DB_URL="$DB_URL" MEDIAMESH_DB_USER="$DB_USER" MEDIAMESH_DB_PASSWORD="$DB_PASSWORD")
  env "${common_env[@]}" MEDIAMESH_MEDIA_SVC_PORT="$media_port" MEDIAMESH_VIDEO_ROOT="$WORK/videos" \
    MEDIAMESH_MEDIA_SVC_DB_SCHEMA="${SCHEMA}_media" \
    java -jar "media-svc/target/media-svc-$VERSION.jar" >"$WORK/media-svc.log" 2>&1 &
  PIDS+=($!)
  local media_pid=$!
  wait_healthy media-svc "$media_port" "$media_pid"

  local scheduler_pids=()
  for ((i = 1; i <= INSTANCES; i++)); do
    local port="${ports[$i]}"
    env "${common_env[@]}" MEDIAMESH_SCHEDULER_SVC_PORT="$port" MEDIAMESH_SCHEDULER_SVC_DB_SCHEMA="$SCHEMA" \
      MEDIAMESH_MEDIA_SVC_ENDPOINT="127.0.0.1:$media_port" MEDIAMESH_SCHEDULER_INSTANCE_ID="bench-$i" \
      ${WORKERS:+MEDIAMESH_SCHEDULER_WORKERS="$WORKERS"} \
      java ${JAVA_OPTS:-} -jar "scheduler-svc/target/scheduler-svc-$VERSION.jar" >"$WORK/scheduler-$i.log" 2>&1 &
    PIDS+=($!)
    scheduler_pids+=($!)
    SCHEDULER_PORTS+=("$port")
    # One at a time: the first creates and migrates the schema.
    wait_healthy "scheduler-svc $i" "$port" "$!"
  done
  say "media-svc on :$media_port, $INSTANCES scheduler-svc instances on ${SCHEDULER_PORTS[*]}, schema $SCHEMA"

  if ((WARMUP > 0)); then
    say "warming up: draining $WARMUP tasks (videos $((TASKS + 1))..$((TASKS + WARMUP)))"
    write_batches warmup "$((TASKS + 1))" "$((TASKS + WARMUP))"
    schedule warmup
    await_done "$((TASKS + 1))" "$((TASKS + WARMUP))" "$(now)"
  fi

  local cpu_before=() sys_before=() pid
  for pid in "$media_pid" "${scheduler_pids[@]}"; do
    cpu_before+=("$(cpu_ticks "$pid")")
    sys_before+=("$(sys_ticks "$pid")")
  done
  local calls_before started scheduled finished
  write_batches timed 1 "$TASKS"
  calls_before="$(delete_calls)"
  say "timed run: $TASKS tasks (videos 1..$TASKS)"
  started="$(now)"
  schedule timed
  scheduled="$(now)"
  await_done 1 "$TASKS" "$started"
  finished="$(now)"

  local cpu_lines=() k=0 hz
  hz="$(getconf CLK_TCK)"
  for pid in "$media_pid" "${scheduler_pids[@]}"; do
    cpu_lines+=("$(awk -v a="${cpu_before[$k]}" -v b="$(cpu_ticks "$pid")" -v sa="${sys_before[$k]}" \
      -v sb="$(sys_ticks "$pid")" -v hz="$hz" 'BEGIN { printf "%.1f s (%.1f s system)", (b - a) / hz, (sb - sa) / hz }')")
    k=$((k + 1))
  done

  local wall db_seconds failed left calls shares batches
  wall="$(awk -v s="$started" -v f="$finished" 'BEGIN { printf "%.2f", f - s }')"
  local timed="video_id BETWEEN 1 AND $TASKS"
  db_seconds="$(sql "SELECT TIMESTAMPDIFF(MICROSECOND, MIN(created_at), MAX(completed_at)) / 1e6
                     FROM \`$SCHEMA\`.tasks WHERE $timed")"
  failed="$(sql "SELECT COUNT(*) FROM \`$SCHEMA\`.tasks WHERE $timed AND state <> 'succeeded'")"
  shares="$(sql "SELECT GROUP_CONCAT(CONCAT(owner, ' ', n) ORDER BY owner SEPARATOR ', ') FROM
                 (SELECT owner, COUNT(*) n FROM \`$SCHEMA\`.task_runs r JOIN \`$SCHEMA\`.tasks t ON t.id = r.task_id
                  WHERE t.$timed GROUP BY owner) r")"
  batches="$(sql "SELECT CONCAT(COUNT(DISTINCT r.owner, r.started_at), ' claims, ',
                                COUNT(DISTINCT r.owner, r.finished_at), ' outcome writes')
                  FROM \`$SCHEMA\`.task_runs r JOIN \`$SCHEMA\`.tasks t ON t.id = r.task_id WHERE t.$timed")"
  left="$(find "$WORK/videos" -mindepth 1 | wc -l)"
  calls=$(($(delete_calls) - calls_before))

  echo
  say "summary: $TASKS deletion tasks after $WARMUP to warm up, $INSTANCES scheduler-svc processes, 1 media-svc" \
      "process, $(nproc) cores (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
  printf '  %-44s %s s\n' "scheduling ($(( (TASKS + 999) / 1000 )) calls of up to 1,000)" \
    "$(awk -v s="$started" -v f="$scheduled" 'BEGIN { printf "%.2f", f - s }')"
  printf '  %-44s %s s   (%s tasks/s)\n' "drain, first call to last task done" "$wall" \
    "$(awk -v n="$TASKS" -v w="$wall" 'BEGIN { printf "%.0f", n / w }')"
  printf '  %-44s %.2f s\n' "drain, database (first created_at to last completed_at)" "$db_seconds"
  printf '  %-44s %s\n' "runs per instance" "$shares"
  printf '  %-44s %s\n' "transactions (all instances)" "$batches"
  printf '  %-44s media-svc %s\n' "CPU time during the drain" "${cpu_lines[0]}"
  for ((k = 1; k < ${#cpu_lines[@]}; k++)); do
    printf '  %-44s scheduler-svc %d %s\n' "" "$k" "${cpu_lines[$k]}"
  done
  printf '  %-44s %s (tasks not succeeded: %s, files left: %s)\n' "DeleteVideoFile calls answered by media-svc" \
    "$calls" "$failed" "$left"
  if awk -v w="$wall" -v t="$TARGET_SECONDS" 'BEGIN { exit !(w < t) }'; then
    printf '  target (%s tasks in under %s s): met\n' "$TASKS" "$TARGET_SECONDS"
  else
    printf '  target (%s tasks in under %s s): MISSED\n' "$TASKS" "$TARGET_SECONDS"
  fi
  ((failed == 0 && left == 0 && calls == TASKS)) || die "the drain was not clean (see above)"
}

main "$@"
