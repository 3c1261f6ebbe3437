# Sourced, after bench/lib.sh, by the benchmarks that load the running mesh through its gateway
# (gateway-wrk.sh, rooms.sh, site-cold-load.sh): wrk, and a mesh to measure. It sets BASE (the
# gateway's URL), and MEDIAMESH_HOME and UP_TIMEOUT unless the environment does; bench_stop_mesh in
# the caller's exit trap stops the mesh bench_ensure_mesh started, if any. BENCH_UP_ARGS holds the
# arguments of the `up` it starts (e.g. "--replicas user-svc=2").

BASE="http://127.0.0.1:${MEDIAMESH_GATEWAY_PORT:-8080}"
MEDIAMESH_HOME="${MEDIAMESH_HOME:-$HOME/.local/share/mediamesh}"
UP_TIMEOUT="${UP_TIMEOUT:-900}" # seconds; includes a build when jars are missing
BENCH_UP_PID=""
# The gateway's /health is on its management port, not on the public one.
BENCH_MANAGEMENT="http://127.0.0.1:${MEDIAMESH_GATEWAY_MANAGEMENT_PORT:-9180}"

bench_ensure_wrk() {
  command -v wrk >/dev/null 2>&1 && return 0
  local sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      die "wrk is missing and installing it needs root: apt-get install -y wrk"
    fi
  fi
  say "installing wrk"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk </dev/null
  command -v wrk >/dev/null 2>&1 || die "wrk is still missing"
}

bench_gateway_up() { curl -fsS -o /dev/null --max-time 2 "$BENCH_MANAGEMENT/health" 2>/dev/null; }

# Uses the gateway answering at $BASE, or starts the mesh with ./mediamesh up (media plane included).
bench_ensure_mesh() {
  if bench_gateway_up; then
    say "using the gateway answering on $BASE"
    return 0
  fi
  mkdir -p "$MEDIAMESH_HOME/logs"
  local log="$MEDIAMESH_HOME/logs/bench-up.log" waited=0
  say "no gateway on $BASE: starting the mesh (./mediamesh up, output in $log)"
  # Job control gives `up` a process group of its own, away from the signals meant for this script.
  set -m
  # shellcheck disable=SC2086 # BENCH_UP_ARGS is a list of words
  MEDIAMESH_HOME="$MEDIAMESH_HOME" bash ./mediamesh up ${BENCH_UP_ARGS:-} >"$log" 2>&1 </dev/null &
  BENCH_UP_PID=$!
  set +m
  until grep -q 'the mesh is up' "$log" 2>/dev/null && bench_gateway_up; do
    if ! kill -0 "$BENCH_UP_PID" 2>/dev/null; then
      wait "$BENCH_UP_PID" 2>/dev/null || true
      BENCH_UP_PID=""
      tail -n 40 "$log" >&2 || true
      die "./mediamesh up failed (see $log)"
    fi
    ((waited < UP_TIMEOUT)) || die "the mesh did not come up within ${UP_TIMEOUT} s (see $log)"
    sleep 1
    waited=$((waited + 1))
  done
  say "the mesh is up"
}

# True when this benchmark started the mesh (and so also its media plane).
bench_started_mesh() { [[ -n "$BENCH_UP_PID" ]]; }

bench_stop_mesh() {
  if [[ -n "$BENCH_UP_PID" ]] && kill -0 "$BENCH_UP_PID" 2>/dev/null; then
    # SIGTERM, not SIGINT: a bench started in the background (nohup, &) passes SIGINT on ignored, and
    # bash cannot trap a signal ignored at its start, so `up` would never hear it.
    say "stopping the mesh this benchmark started (SIGTERM to ./mediamesh up, pid $BENCH_UP_PID)"
    kill -TERM "$BENCH_UP_PID" 2>/dev/null || true
    wait "$BENCH_UP_PID" 2>/dev/null || true
  fi
  BENCH_UP_PID=""
}
