#!/usr/bin/env bash
# Replicas benchmark (issue 17): the gateway benchmark's REST reads (bench/gateway-wrk.sh: the
# single video, its comments, a user's listing and the public feed) against the mesh with one
# user-svc replica, then with two, each started here by `./mediamesh up --replicas user-svc=N`
# without the media plane, and both summaries printed one above the other. On one machine a second
# replica cannot add cores, so the point is that balancing costs nothing measurable; the failover
# figures come from ReplicaFailoverTest (README, "Replicas: balancing, health checks and retries").
#
# Needs the gateway's ports free (it starts its own mesh each time). Environment: REPLICAS (the
# counts to compare, default "1 2"), DURATION (default 15s) and WARMUP (default 10s) per URL, and
# what gateway-wrk.sh reads. Only 127.0.0.1 is used.
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPLICAS="${REPLICAS:-1 2}"
export DURATION="${DURATION:-15s}" WARMUP="${WARMUP:-10s}" MEDIAMESH_MEDIA_PLANE=0
MANAGEMENT="http://127.0.0.1:${MEDIAMESH_GATEWAY_MANAGEMENT_PORT:-9180}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/replicas-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

if curl -fsS -o /dev/null --max-time 2 "$MANAGEMENT/health" 2>/dev/null; then
  die "a gateway already answers on $MANAGEMENT: stop that mesh first, this benchmark starts its own"
fi

for n in $REPLICAS; do
  [[ "$n" =~ ^[1-9]$ ]] || die "REPLICAS holds counts from 1 to 9, not '$n'"
  say "user-svc x $n: ./mediamesh up --replicas user-svc=$n, then bench/gateway-wrk.sh"
  BENCH_UP_ARGS="--replicas user-svc=$n" bash bench/gateway-wrk.sh | tee "$WORK/run-$n.txt"
done

echo
say "summary ($DURATION per URL after $WARMUP warm-up, $(nproc) cores)"
for n in $REPLICAS; do
  echo "  user-svc x $n:"
  sed -n '/summary (/,$p' "$WORK/run-$n.txt" | tail -n +2
done
