#!/usr/bin/env bash
# Config apply benchmark: applies a new nginx revision to AGENTS config agents on loopback
# (default 100; ORIGIN -> RELAY -> EDGE, all-or-nothing, the real `nginx -t` on every server) and
# prints the time from sending start to the first event and to the summary. Goal: summary < 5 s.
#
# config-svc and user-svc run in the benchmark's JVM (as in the tests, on schemas of their own on
# the MariaDB at 127.0.0.1:3306, dropped afterwards); the agents run in AGENT_JVMS processes of
# their own (default 4; a hundred agent JVMs would not fit in memory), each with its own port and
# folder. Only 127.0.0.1 is used. Needs nginx (apt-get install -y nginx).
# Environment: AGENTS (100), AGENT_JVMS (4), MAX_PARALLEL (32), RUNS (3).
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

AGENTS="${AGENTS:-100}"
AGENT_JVMS="${AGENT_JVMS:-4}"
MAX_PARALLEL="${MAX_PARALLEL:-32}"
RUNS="${RUNS:-3}"

command -v nginx >/dev/null || { echo "bench: nginx is not installed (apt-get install -y nginx)" >&2; exit 1; }

echo "bench: building config-svc and its test classes"
./mvnw -o -q -DskipTests package dependency:build-classpath -pl config-svc -am \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CLASSPATH="config-svc/target/test-classes:config-svc/target/classes:$(cat config-svc/target/bench-classpath.txt)"

echo "bench: $AGENTS agents, $AGENT_JVMS agent JVMs, max_parallel $MAX_PARALLEL, $RUNS runs"
exec java -cp "$CLASSPATH" io.mediamesh.config.bench.ConfigApplyBench "$AGENTS" "$AGENT_JVMS" "$MAX_PARALLEL" "$RUNS"
