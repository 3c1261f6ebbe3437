package io.mediamesh.media.janus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.server.Server;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.media.testing.JanusInstance;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JanusClient against a real Janus: sessions kept and re-made, errors never taken for success. */
class JanusClientTest {
    private static final JanusInstance.Secrets SECRETS = new JanusInstance.Secrets("adm", "vkey", "tkey", "skey");

    @TempDir
    static Path dir;
    static JanusInstance janus;
    static JanusClient client;

    @BeforeAll
    static void start() {
        janus = new JanusInstance(dir, "janus", SECRETS).start();
        client = new JanusClient(janus.apiUrl(), ClientFactory.ofDefault(), Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() {
        janus.close();
    }

    @Test
    void createsAndListsRoomsOverOneSession() {
        JsonNode created = client.send(JanusClient.VIDEOROOM, create(5001));
        assertThat(created.path("videoroom").asText()).isEqualTo("created");
        long session = client.currentSession().orElseThrow();
        JsonNode exists = client.send(JanusClient.VIDEOROOM, room("exists", 5001));
        assertThat(exists.path("exists").asBoolean()).isTrue();
        assertThat(client.currentSession()).hasValue(session);
    }

    @Test
    void pluginErrorsAreErrorsNotSuccess() {
        ObjectNode noKey = create(5002);
        noKey.put("admin_key", "wrong");
        assertThatThrownBy(() -> client.send(JanusClient.VIDEOROOM, noKey))
                .isInstanceOfSatisfying(JanusPluginError.class, e -> assertThat(e.code()).isNotZero());
        assertThatThrownBy(() -> client.send(JanusClient.VIDEOROOM, room("listparticipants", 999_999)))
                .isInstanceOfSatisfying(JanusPluginError.class, e -> assertThat(e.code()).isEqualTo(426));
    }

    @Test
    void aSessionJanusForgotIsRemadeTransparently() throws Exception {
        client.send(JanusClient.VIDEOROOM, JanusClient.body("list"));
        long session = client.currentSession().orElseThrow();
        HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(janus.apiUrl() + "/" + session))
                           .POST(HttpRequest.BodyPublishers.ofString("{\"janus\":\"destroy\",\"transaction\":\"x\"}"))
                           .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode list = client.send(JanusClient.VIDEOROOM, JanusClient.body("list"));
        assertThat(list.path("videoroom").asText()).isEqualTo("success");
        assertThat(client.currentSession().orElseThrow()).isNotEqualTo(session);
    }

    @Test
    void aJanusDownFailsFastAndARestartIsSurvived() {
        client.send(JanusClient.VIDEOROOM, JanusClient.body("list"));
        janus.stop();
        try {
            long started = System.nanoTime();
            assertThatThrownBy(() -> client.send(JanusClient.VIDEOROOM, JanusClient.body("list")))
                    .isInstanceOfSatisfying(MediameshException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.FAILED_CREATE_NEW_SESSION_HANDLE);
                        // Where Janus listens is for the log, not for the client the message reaches.
                        assertThat(e.getMessage()).doesNotContain(janus.apiUrl(), "127.0.0.1", "Connection refused");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        } finally {
            janus.start();
        }
        JsonNode list = client.send(JanusClient.VIDEOROOM, JanusClient.body("list"));
        assertThat(list.path("videoroom").asText()).isEqualTo("success");
    }

    @Test
    void aSessionThatFailsAtOnceIsFailedCreateNewSessionHandle() {
        // A closed client factory fails every exchange before returning it, as a refused connection
        // sometimes does: the session fails before the client has handed it out.
        ClientFactory closed = ClientFactory.builder().build();
        JanusClient failing = new JanusClient(janus.apiUrl(), closed, Duration.ofSeconds(2));
        closed.close();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> failing.send(JanusClient.VIDEOROOM, JanusClient.body("list")))
                    .isInstanceOfSatisfying(MediameshException.class, e -> assertThat(e.code())
                            .isEqualTo(ErrorCode.FAILED_CREATE_NEW_SESSION_HANDLE));
        }
    }

    @Test
    void keepAliveKeepsTheSession() {
        client.send(JanusClient.VIDEOROOM, JanusClient.body("list"));
        long session = client.currentSession().orElseThrow();
        client.keepAlive().join();
        assertThat(client.currentSession()).hasValue(session);
    }

    @Test
    void aRequestJanusMayHaveCarriedOutIsNotSentAgain() {
        // Between the client and Janus, a link that delivers every request at once but holds back
        // the answer to a room creation past the client's deadline.
        AtomicInteger creates = new AtomicInteger();
        WebClient toJanus = WebClient.of(URI.create(janus.apiUrl()).resolve("/").toString());
        Server slowLink = Server.builder().http(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                                .serviceUnder("/", (ctx, req) -> com.linecorp.armeria.common.HttpResponse.of(req.aggregate().thenCompose(asked -> {
                                    boolean create = asked.contentUtf8().contains("\"request\":\"create\"");
                                    if (create) {
                                        creates.incrementAndGet();
                                    }
                                    return toJanus.execute(asked.toHttpRequest()).aggregate().thenCompose(
                                            answer -> create ? CompletableFuture.supplyAsync(
                                                    () -> answer, CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS))
                                                             : CompletableFuture.completedFuture(answer));
                                }).thenApply(AggregatedHttpResponse::toHttpResponse)))
                                .build();
        slowLink.start().join();
        try {
            JanusClient slow = new JanusClient("http://127.0.0.1:" + slowLink.activeLocalPort() +
                                               URI.create(janus.apiUrl()).getPath(),
                                               ClientFactory.ofDefault(), Duration.ofSeconds(1));
            assertThatThrownBy(() -> slow.send(JanusClient.VIDEOROOM, create(5005)))
                    .isInstanceOfSatisfying(MediameshException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.FAILED_GET_SESSION_HANDLE);
                        assertThat(e.getMessage()).contains("may have been carried out");
                    });
            assertThat(creates).as("room creations sent").hasValue(1);
        } finally {
            slowLink.stop().join();
        }
        // Janus did create it, once.
        assertThat(client.send(JanusClient.VIDEOROOM, room("exists", 5005)).path("exists").asBoolean()).isTrue();
    }

    private static ObjectNode create(long room) {
        ObjectNode body = room("create", room);
        body.put("admin_key", SECRETS.videoroomKey());
        return body;
    }

    private static ObjectNode room(String request, long room) {
        ObjectNode body = JanusClient.body(request);
        body.put("room", room);
        return body;
    }
}
