#!/usr/bin/env bash
# Cold load of the web site in Debian's Chromium (/usr/bin/chromium): the home page and a watch page,
# each RUNS times in a fresh browser context (empty cache), after two untimed loads of each. Prints
# the median bytes transferred (compressed, from the DevTools protocol's encodedDataLength), the
# first contentful paint (performance.getEntriesByType('paint')) and when the page's list showed,
# against the goal of the home page: under 150 KB and a first contentful paint under 300 ms.
# The measuring is gateway/src/test/java/io/mediamesh/gateway/site/ColdLoadBench.java (Playwright for
# Java, on the gateway's test classpath, built offline with the reactor); it seeds a person with a
# ready video (a WebM made by ffmpeg) and three comments through the REST API first.
#
# Uses the gateway answering on 127.0.0.1:${MEDIAMESH_GATEWAY_PORT:-8080}; when none answers, starts
# the mesh with `./mediamesh up` and stops it at the end (bench/mesh.sh). Only 127.0.0.1 is used.
# Environment: RUNS (default 9), MEDIAMESH_HOME, UP_TIMEOUT (seconds, default 900).
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/mesh.sh
. "$ROOT/bench/mesh.sh"

RUNS="${RUNS:-9}"

cleanup() {
  local status=$?
  bench_stop_mesh
  exit "$status"
}
bench_on_exit cleanup

main() {
  [[ -x /usr/bin/chromium ]] || die "chromium is missing (./mediamesh test installs it)"
  command -v ffmpeg >/dev/null 2>&1 || die "ffmpeg is missing (./mediamesh test installs it)"
  say "building the gateway's test classes and their classpath (offline)"
  # Each module of the reactor writes its own classpath file; the gateway's is the one wanted.
  ./mvnw -o -q -B -pl gateway -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
  bench_ensure_mesh
  # From gateway/, where the browser tests keep their clip (target/browser-clip.webm).
  (cd gateway && java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
    io.mediamesh.gateway.site.ColdLoadBench "$BASE" "$RUNS")
}

main "$@"
