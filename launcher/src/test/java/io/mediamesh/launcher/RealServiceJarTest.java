package io.mediamesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.server.Supervisor;
import io.mediamesh.common.testing.Await;
import io.mediamesh.common.testing.FreePorts;
import io.mediamesh.common.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real user-svc, from the jar the build made (as {@code ./mediamesh up} runs it), on a schema of its
 * own on the test MariaDB: it answers /health, and once killed with SIGKILL it is started again and
 * answers again; started by a launcher that is then SIGKILLed, it stops by itself. (Several replicas,
 * their order and backoff: LocalMeshTest, with a small stand-in.)
 */
final class RealServiceJarTest {
    /** A service's JVM on a busy 2-core machine: Flyway's migrations, Armeria's start. */
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final DatabaseSettings database = TestDatabase.settingsFor("realservicejartest");
    private LocalMesh mesh;

    @AfterEach
    void stopAndDrop() throws Exception {
        if (mesh != null) {
            mesh.stop();
        }
        TestDatabase.drop(database);
    }

    @Test
    void userSvcKilledWithSigkillComesBackAndAnswersAgain() throws Exception {
        Path jar = userSvcJar();
        PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8);
        mesh = new LocalMesh(new RestartPolicy(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMinutes(1)),
                             Duration.ofSeconds(20), new Console(print, print), () -> false);
        mesh.startTier(new LocalMesh.Tier("user-svc", List.of(replica("user-svc", jar))));
        Replica userSvc = mesh.replicas("user-svc").get(0);
        long killed = userSvc.pid().orElseThrow();

        ProcessHandle.of(killed).orElseThrow().destroyForcibly();

        Await.until("user-svc runs again and answers /health", START,
                    () -> ReplicaRestarts.runsAgainAndIsReady(userSvc, killed),
                    () -> output.toString(StandardCharsets.UTF_8));
        assertThat(userSvc.restarts()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("logs/user-svc.log")))
                .containsPattern("(?s)user-svc starting.*user-svc listening.*user-svc starting.*user-svc listening");
    }

    @Test
    void userSvcStopsOnceTheProcessThatStartedItIsGone() throws Exception {
        // A stand-in for the launcher, which is SIGKILLed before it can stop what it started.
        Process launcher = new ProcessBuilder("sleep", "600").start();
        ProcessSpec spec = replica("user-svc", userSvcJar());
        Files.createDirectories(spec.log().getParent());
        ProcessBuilder builder = new ProcessBuilder(spec.command()).directory(dir.toFile()).redirectErrorStream(true)
                                                                  .redirectOutput(spec.log().toFile());
        builder.environment().clear();
        builder.environment().putAll(spec.environment());
        builder.environment().put(Supervisor.PID_VARIABLE, Long.toString(launcher.pid()));
        Process userSvc = builder.start();
        try {
            Await.until("user-svc serves", START, () -> read(spec.log()).contains("user-svc listening"),
                        () -> read(spec.log()));

            launcher.destroyForcibly().waitFor();

            assertThat(userSvc.waitFor(30, TimeUnit.SECONDS)).as("user-svc stopped once its launcher was gone").isTrue();
            assertThat(read(spec.log()))
                    .contains("the process that started it (pid " + launcher.pid() + ") is gone: stopping")
                    .contains("user-svc stopped");
        } finally {
            userSvc.destroyForcibly();
            launcher.destroyForcibly();
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path userSvcJar() {
        Path jar = Path.of("..", "user-svc", "target", "user-svc-" + System.getProperty("mediamesh.version") + ".jar")
                       .toAbsolutePath().normalize();
        assertThat(jar).as("user-svc's jar, packaged by the reactor before these tests").isRegularFile();
        return jar;
    }

    private ProcessSpec replica(String name, Path jar) {
        int port = FreePorts.tcp();
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put("MEDIAMESH_TLS_MODE", "plaintext");
        environment.put("MEDIAMESH_DB_URL", database.url());
        environment.put("MEDIAMESH_USER_SVC_DB_SCHEMA", database.schema());
        environment.put("MEDIAMESH_USER_SVC_DB_USER", database.user());
        environment.put("MEDIAMESH_USER_SVC_DB_PASSWORD", database.password());
        environment.put("MEDIAMESH_USER_SVC_PORT", Integer.toString(port));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessSpec(name, List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()), environment, dir,
                               dir.resolve("logs").resolve(name + ".log"),
                               new Readiness.Http(URI.create("http://127.0.0.1:" + port + "/health")), START);
    }
}
