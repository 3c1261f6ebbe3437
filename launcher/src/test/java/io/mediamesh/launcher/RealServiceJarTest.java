package io.mediamesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.testing.Await;
import io.mediamesh.common.testing.FreePorts;
import io.mediamesh.common.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
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
 * The real user-svc, from the jar the build made (as {@code ./mediamesh up} runs it), on a schema of its
 * own on the test MariaDB: it answers /health, and once killed with SIGKILL it is started again and
 * answers again. (Several replicas, their order and backoff: LocalMeshTest, with a small stand-in.)
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
        Path jar = Path.of("..", "user-svc", "target", "user-svc-" + System.getProperty("mediamesh.version") + ".jar")
                       .toAbsolutePath().normalize();
        assertThat(jar).as("user-svc's jar, packaged by the reactor before these tests").isRegularFile();
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
