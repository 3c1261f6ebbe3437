package io.mediamesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediamesh.common.testing.Await;
import io.mediamesh.common.testing.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LocalMesh with real child processes ({@link FakeService} in a JVM of its own per replica): tiers
 * start in order once the one before is ready, a replica killed with SIGKILL comes back, a crash loop
 * backs off, the gateway stops first, and a process that is never ready fails the start with its log.
 */
final class LocalMeshTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final RestartPolicy QUICK = new RestartPolicy(Duration.ofMillis(200), Duration.ofSeconds(1),
                                                                 Duration.ofMinutes(1));

    @TempDir
    Path dir;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final Console console = new Console(new PrintStream(output, true, StandardCharsets.UTF_8),
                                                new PrintStream(output, true, StandardCharsets.UTF_8));
    private LocalMesh mesh;

    @AfterEach
    void stopEverything() {
        if (mesh != null) {
            mesh.stop();
        }
    }

    @Test
    void startsTierByTierWhenReadyAndStopsTheGatewayFirstAndTheDatabaseLast() throws Exception {
        mesh = new LocalMesh(QUICK, Duration.ofSeconds(10), console, () -> false);
        mesh.startTier(tier("mariadb", "ready", 1));
        mesh.startTier(tier("user-svc", "ready", 2));
        mesh.startTier(tier("gateway", "ready", 1));

        for (String tier : List.of("mariadb", "user-svc", "gateway")) {
            for (Replica replica : mesh.replicas(tier)) {
                assertThat(replica.isReady()).as(replica.name()).isTrue();
            }
        }
        assertThat(events()).containsExactlyInAnyOrder("started mariadb", "started user-svc", "started user-svc-1",
                                                       "started gateway");
        assertThat(events().get(0)).isEqualTo("started mariadb");
        assertThat(events().subList(1, 3)).as("a service's first replica alone (it migrates), then the others")
                                          .containsExactly("started user-svc", "started user-svc-1");
        assertThat(events().get(3)).isEqualTo("started gateway");
        assertThat(Files.readString(dir.resolve("logs/user-svc-1.log")))
                .containsPattern("==== .*: user-svc-1 starting").contains("user-svc-1: ready");

        mesh.stop();
        List<String> stops = events().subList(4, 8);
        assertThat(stops.get(0)).isEqualTo("stopped gateway");
        assertThat(stops.subList(1, 3)).containsExactlyInAnyOrder("stopped user-svc", "stopped user-svc-1");
        assertThat(stops.get(3)).isEqualTo("stopped mariadb");
    }

    @Test
    void aReplicaKilledWithSigkillIsStartedAgainAndReadyAgain() throws Exception {
        mesh = new LocalMesh(QUICK, Duration.ofSeconds(10), console, () -> false);
        mesh.startTier(tier("user-svc", "ready", 2));
        Replica first = mesh.replicas("user-svc").get(0);
        Replica second = mesh.replicas("user-svc").get(1);
        long firstPid = first.pid().orElseThrow();
        long killed = second.pid().orElseThrow();

        ProcessHandle.of(killed).orElseThrow().destroyForcibly();

        Await.until("user-svc-1 runs again and is ready", START,
                    () -> ReplicaRestarts.runsAgainAndIsReady(second, killed), this::output);
        assertThat(second.restarts()).isEqualTo(1);
        assertThat(first.pid()).hasValue(firstPid);
        Await.until("the restart is reported", START, () -> output().contains("user-svc-1 is ready again"),
                    this::output);
        assertThat(output()).contains("user-svc-1 (pid " + killed + ") exited unexpectedly with status 137",
                                      "restarting it in 0.2 s", "last lines of " + dir.resolve("logs/user-svc-1.log"));
        assertThat(Files.readString(dir.resolve("logs/user-svc-1.log")))
                .as("the log is appended to, one run after the other")
                .containsPattern("(?s)user-svc-1 starting.*user-svc-1: ready.*user-svc-1 starting.*user-svc-1: ready");
    }

    @Test
    void aReplicaThatKeepsCrashingIsStartedAgainAfterLongerAndLongerWaitsUpToTheCap() throws Exception {
        mesh = new LocalMesh(new RestartPolicy(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMinutes(1)),
                             Duration.ofSeconds(10), console, () -> false);
        mesh.startTier(tier("media-svc", "crash-when-ready", 1));

        Await.until("four crashes in a row", START, () -> output().contains("4 crashes in a row"), this::output);
        assertThat(output()).containsSubsequence("exited unexpectedly with status 4", "restarting it in 0.1 s",
                                                 "2 crashes in a row: restarting it in 0.2 s",
                                                 "3 crashes in a row: restarting it in 0.4 s",
                                                 "4 crashes in a row: restarting it in 0.4 s");
    }

    @Test
    void aServiceThatIsNeverReadyFailsTheStartWithItsLogTail() throws Exception {
        mesh = new LocalMesh(QUICK, Duration.ofSeconds(10), console, () -> false);
        ProcessSpec stuck = spec("config-svc", "never-ready", FreePorts.tcp(), Duration.ofSeconds(3));

        assertThatThrownBy(() -> mesh.startTier(new LocalMesh.Tier("config-svc", List.of(stuck))))
                .isInstanceOf(MeshStartException.class)
                .hasMessageContaining("config-svc was not ready (200 from http://127.0.0.1:")
                .hasMessageContaining("within 3 s (log: " + dir.resolve("logs/config-svc.log") + ")")
                .hasMessageContaining("config-svc: cannot reach its database, still trying");
        long pid = mesh.replicas("config-svc").get(0).pid().orElseThrow();
        mesh.stop();
        assertThat(ProcessHandle.of(pid)).as("the stuck process after stop").isEmpty();
    }

    @Test
    void aServiceThatExitsWhileStartingFailsTheStartAtOnce() throws Exception {
        mesh = new LocalMesh(QUICK, Duration.ofSeconds(10), console, () -> false);
        ProcessSpec failing = spec("gateway", "exit", FreePorts.tcp(), START);

        assertThatThrownBy(() -> mesh.startTier(new LocalMesh.Tier("gateway", List.of(failing))))
                .isInstanceOf(MeshStartException.class)
                .hasMessageContaining("gateway exited with status 3 while starting")
                .hasMessageContaining("gateway: port already taken, giving up");
        assertThat(mesh.replicas("gateway").get(0).restarts()).as("no restart of what never was ready").isZero();
    }

    private LocalMesh.Tier tier(String name, String mode, int replicas) throws URISyntaxException {
        List<ProcessSpec> specs = new java.util.ArrayList<>();
        for (int k = 0; k < replicas; k++) {
            specs.add(spec(k == 0 ? name : name + "-" + k, mode, FreePorts.tcp(), START));
        }
        return new LocalMesh.Tier(name, specs);
    }

    private ProcessSpec spec(String name, String mode, int port, Duration startTimeout) throws URISyntaxException {
        Path classes = Path.of(FakeService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put("FAKE_PORT", Integer.toString(port));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessSpec(name, List.of(java, "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", classes.toString(),
                                             FakeService.class.getName(), name, dir.resolve("events").toString(), mode),
                               environment, dir, dir.resolve("logs").resolve(name + ".log"),
                               new Readiness.Http(URI.create("http://127.0.0.1:" + port + "/health")), startTimeout);
    }

    private List<String> events() throws IOException {
        return Files.readAllLines(dir.resolve("events"));
    }

    private String output() {
        return output.toString(StandardCharsets.UTF_8);
    }
}
