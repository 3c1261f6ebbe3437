#!/usr/bin/env bash
# Glass-to-glass latency of a live stream through origin -> relay -> edge against a single Janus, in
# Debian's Chromium: gateway/src/test/java/io/mediamesh/gateway/site/StreamLatencyBench.java (how it
# measures is described there). It starts its own mesh (real Janus and nginx per server, Janus's ICE
# on a veth of a network namespace it makes, so it needs root), feeds it with ffmpeg for 20 s, prints
# "path: N frames, median X ms, p95 Y ms" for each path, and removes everything it made.
# Only loopback and the namespace's own addresses are used.
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ "$(id -u)" = 0 ] || { echo 'bench: needs root (ip netns) for Janus ICE candidates a browser reaches' >&2; exit 1; }
rm -f gateway/target/stream-latency.txt
./mvnw -o -q -B -pl gateway -am verify -Dtest=StreamLatencyBench -Dsurefire.failIfNoSpecifiedTests=false
cat gateway/target/stream-latency.txt
