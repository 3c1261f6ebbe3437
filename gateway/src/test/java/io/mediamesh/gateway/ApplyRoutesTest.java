package io.mediamesh.gateway;

import static io.mediamesh.api.v1.MediaServerRole.MEDIA_SERVER_ROLE_EDGE;
import static io.mediamesh.api.v1.MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN;
import static io.mediamesh.api.v1.MediaServerRole.MEDIA_SERVER_ROLE_RELAY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.client.websocket.WebSocketClient;
import com.linecorp.armeria.client.websocket.WebSocketClientHandshakeException;
import com.linecorp.armeria.client.websocket.WebSocketSession;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpObject;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.websocket.WebSocketFrame;
import com.linecorp.armeria.common.websocket.WebSocketFrameType;
import com.linecorp.armeria.common.websocket.WebSocketWriter;
import io.mediamesh.api.v1.ApplyConfigResponse;
import io.mediamesh.api.v1.ApplySummary;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.CreateServerRequest;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.PromotionMode;
import io.mediamesh.api.v1.StartApply;
import io.mediamesh.common.server.RunningService;
import io.mediamesh.common.testing.Await;
import io.mediamesh.config.testing.AgentFleet;
import io.mediamesh.config.testing.ApplyStream;
import io.mediamesh.config.testing.ConfigSvcFixture;
import io.mediamesh.config.testing.Servers;
import io.mediamesh.gateway.testing.ConfigGateway;
import io.mediamesh.gateway.testing.Rest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The apply routes end to end: the gateway in front of the real user-svc and config-svc, three real
 * agent processes (origin, relay, edge) whose nginx reload takes a second, so an apply lasts a few
 * seconds and streaming can be told apart from buffering.
 */
class ApplyRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APPLY = "/api/admin/configs/apply";

    @RegisterExtension
    static final ConfigSvcFixture configSvc = new ConfigSvcFixture();

    @RegisterExtension
    static final AgentFleet agents = new AgentFleet(
            List.of("gw-origin", "gw-relay", "gw-edge"),
            Map.of("config-agent.kinds", "nginx", "config-agent.reload.nginx", "sleep 1"));

    private static RunningService<Gateway> gateway;
    private static String admin;
    private static int changes;

    @BeforeAll
    static void startGatewayAndRegisterServers() throws Exception {
        // Shorter than an apply here (three one-second reloads): the apply routes must not be cut off by it.
        gateway = ConfigGateway.start(configSvc, Map.of("mediamesh.gateway.request-timeout", "2s"));

        admin = configSvc.adminSession();
        List<MediaServerRole> roles = List.of(MEDIA_SERVER_ROLE_ORIGIN, MEDIA_SERVER_ROLE_RELAY, MEDIA_SERVER_ROLE_EDGE);
        for (int i = 0; i < agents.all().size(); i++) {
            configSvc.servers(admin).createServer(CreateServerRequest.newBuilder().setServer(
                    Servers.loopback(agents.all().get(i).serverName(), roles.get(i))
                           .setAgentEndpoint(agents.all().get(i).endpoint())).build());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void theApplyStreamsNewlineDelimitedJsonWhileItHappens() throws Exception {
        newNginxRevision();
        List<Line> lines = new ArrayList<>();
        CompletableFuture<ResponseHeaders> headers = new CompletableFuture<>();
        HttpResponse response = client().execute(
                RequestHeaders.builder(HttpMethod.POST, APPLY).contentType(MediaType.JSON_UTF_8)
                              .add("X-Session-Id", admin).build(),
                "{\"kind\":\"nginx\",\"roles\":[\"origin\",\"relay\",\"edge\"],\"policy\":\"all_or_nothing\"}");
        CompletableFuture<Void> done = new CompletableFuture<>();
        response.subscribe(new LineCollector(headers, lines, done));
        done.get(60, TimeUnit.SECONDS);

        assertThat(headers.join().status().code()).isEqualTo(200);
        assertThat(headers.join().contentType().toString()).startsWith("application/x-ndjson");
        List<JsonNode> messages = lines.stream().map(Line::json).toList();
        assertThat(messages.get(0).get("type").asText()).isEqualTo("started");
        assertThat(messages.get(0).get("kind").asText()).isEqualTo("nginx");
        JsonNode summary = messages.get(messages.size() - 1);
        assertThat(summary.get("type").asText()).isEqualTo("summary");
        assertThat(summary.get("outcome").asText()).isEqualTo("succeeded");
        assertThat(summary.get("activated").asInt()).isEqualTo(3);
        assertThat(messages).filteredOn(message -> message.get("type").asText().equals("event"))
                            .extracting(message -> message.get("step").asText())
                            .containsSubsequence("rendered", "pushed", "validated", "activated")
                            .hasSize(12);
        // Streamed, not buffered: the first event came while the servers still had reloads to run
        // (each takes a second), well before the summary.
        Line firstEvent = lines.stream().filter(line -> line.json().get("type").asText().equals("event"))
                               .findFirst().orElseThrow();
        long gap = lines.get(lines.size() - 1).arrivedNanos() - firstEvent.arrivedNanos();
        assertThat(Duration.ofNanos(gap)).isGreaterThan(Duration.ofMillis(1500));
    }

    @Test
    void refusalsAreEnvelopesWithTheirStatus() throws Exception {
        assertEnvelope(post("{\"kind\":\"nginx\"}"), 401, "UNAUTHENTICATED");
        assertEnvelope(post("{\"kind\":\"nginx\"}", "X-Session-Id", configSvc.userSession("gw-user")), 403,
                       "PERMISSION_DENIED");
        assertEnvelope(post("{\"kind\":\"apache\"}", "X-Session-Id", admin), 400, "INVALID_CONFIG_TARGET");
        assertEnvelope(post("{\"kind\":\"nginx\",\"roles\":[\"core\"]}", "X-Session-Id", admin), 400,
                       "INVALID_CONFIG_TARGET");
        assertEnvelope(post("{\"kind\":\"nginx\",\"policy\":\"sometimes\"}", "X-Session-Id", admin), 400,
                       "INVALID_REQUEST");
        assertEnvelope(post("{\"kind\":\"nginx\",\"promotion\":\"manual\"}", "X-Session-Id", admin), 400,
                       "INVALID_REQUEST");
        assertEnvelope(post("{\"kind\":\"nginx\",\"roles\":\"edge\"}", "X-Session-Id", admin), 400,
                       "INVALID_FIELD_TYPE");
        assertEnvelope(post("{\"kind\":", "X-Session-Id", admin), 400, "MALFORMED_BODY");

        // While an apply of nginx waits for promotion, another nginx apply is a 409.
        newNginxRevision();
        ApplyStream running = ApplyStream.start(configSvc.port(), admin, StartApply.newBuilder()
                .setKind(ConfigKind.CONFIG_KIND_NGINX).setPromotion(PromotionMode.PROMOTION_MODE_MANUAL).build());
        running.await(ApplyConfigResponse::hasAwaitingPromotion);
        assertEnvelope(post("{\"kind\":\"nginx\"}", "X-Session-Id", admin), 409, "CONFIG_APPLY_IN_PROGRESS");
        running.cancel("test over");
        running.summary();
    }

    @Test
    void theWebSocketCarriesStartPromoteAndEventsBothWays() throws Exception {
        newNginxRevision();
        Socket socket = Socket.open(admin);
        socket.send("{\"type\":\"promote\"}");
        assertThat(socket.next().get("type").asText()).isEqualTo("error");
        socket.send("{\"type\":\"start\",\"kind\":\"nginx\",\"promotion\":\"manual\"}");
        assertThat(socket.next().get("type").asText()).isEqualTo("started");

        JsonNode waiting = socket.nextOfType("awaiting_promotion");
        assertThat(waiting.get("completed_role").asText()).isEqualTo("origin");
        assertThat(waiting.get("next_role").asText()).isEqualTo("relay");
        socket.send("{\"type\":\"promote\"}");
        assertThat(socket.nextOfType("awaiting_promotion").get("next_role").asText()).isEqualTo("edge");
        socket.send("{\"type\":\"promote\"}");
        JsonNode summary = socket.nextOfType("summary");
        assertThat(summary.get("outcome").asText()).isEqualTo("succeeded");
        assertThat(summary.get("activated").asInt()).isEqualTo(3);
        socket.awaitClosed();
    }

    @Test
    void aCancelOverTheWebSocketRollsBack() throws Exception {
        Path originFile = agents.all().get(0).activeFile("nginx", "nginx.conf");
        Path edgeFile = agents.all().get(2).activeFile("nginx", "nginx.conf");
        String originBefore = read(originFile);
        String edgeBefore = read(edgeFile);
        newNginxRevision();
        Socket socket = Socket.open(admin);
        socket.send("{\"type\":\"start\",\"kind\":\"nginx\",\"promotion\":\"manual\"}");
        socket.nextOfType("awaiting_promotion");
        socket.send("{\"type\":\"cancel\",\"reason\":\"changed my mind\"}");
        JsonNode summary = socket.nextOfType("summary");
        assertThat(summary.get("outcome").asText()).isEqualTo("cancelled");
        assertThat(summary.get("rolled_back").asInt()).isEqualTo(1);
        assertThat(summary.get("not_attempted").asInt()).isEqualTo(2);
        assertThat(read(originFile)).isEqualTo(originBefore);
        assertThat(read(edgeFile)).isEqualTo(edgeBefore);
        socket.awaitClosed();
    }

    @Test
    void theAuditListsAppliesWithTheirEventsByKindAndOutcome() throws Exception {
        newNginxRevision();
        ApplySummary succeeded = ApplyStream.start(configSvc.port(), admin, StartApply.newBuilder()
                .setKind(ConfigKind.CONFIG_KIND_NGINX).setMessage("audit me").build()).summary();
        newNginxRevision();
        ApplyStream manual = ApplyStream.start(configSvc.port(), admin, StartApply.newBuilder()
                .setKind(ConfigKind.CONFIG_KIND_NGINX).setPromotion(PromotionMode.PROMOTION_MODE_MANUAL).build());
        manual.await(ApplyConfigResponse::hasAwaitingPromotion);
        Rest rest = new Rest("http://127.0.0.1:" + gateway.port());
        JsonNode running = rest.get("/api/admin/configs/applies?outcome=running", "X-Session-Id", admin)
                               .expect(200, "ok").body().get("applies");
        assertThat(running).hasSize(1);
        assertThat(running.get(0).get("outcome").asText()).isEqualTo("running");
        assertThat(running.get(0).get("summary").isNull()).isTrue();
        manual.cancel("audit test");
        long cancelled = manual.summary().getApplyId();

        JsonNode all = rest.get("/api/admin/configs/applies?kind=nginx&limit=100", "X-Session-Id", admin)
                           .expect(200, "ok").body();
        assertThat(all.get("applies").findValues("apply_id")).extracting(JsonNode::asLong)
                .contains(cancelled, succeeded.getApplyId());
        assertThat(rest.get("/api/admin/configs/applies?kind=coturn", "X-Session-Id", admin).expect(200, "ok").body()
                       .get("applies")).isEmpty();
        JsonNode onlyCancelled = rest.get("/api/admin/configs/applies?outcome=cancelled", "X-Session-Id", admin)
                                     .expect(200, "ok").body().get("applies");
        assertThat(onlyCancelled.findValues("outcome")).extracting(JsonNode::asText).containsOnly("cancelled");
        assertThat(onlyCancelled.get(0).get("apply_id").asLong()).isEqualTo(cancelled);
        assertThat(onlyCancelled.get(0).get("cancel_reason").asText()).isEqualTo("audit test");

        JsonNode one = rest.get("/api/admin/configs/applies/" + succeeded.getApplyId(), "X-Session-Id", admin)
                           .expect(200, "ok").body();
        JsonNode record = one.get("apply");
        assertThat(record.get("author").asText()).isEqualTo(ConfigSvcFixture.ADMIN);
        assertThat(record.get("message").asText()).isEqualTo("audit me");
        assertThat(record.get("outcome").asText()).isEqualTo("succeeded");
        assertThat(record.get("policy").asText()).isEqualTo("all_or_nothing");
        assertThat(record.get("stages").findValues("role")).extracting(JsonNode::asText)
                .containsExactly("origin", "relay", "edge");
        assertThat(record.get("summary").get("results").findValues("status")).extracting(JsonNode::asText)
                .containsOnly("activated");
        assertThat(record.get("finished_at").asText()).endsWith("Z");
        assertThat(one.get("events").findValues("sequence")).extracting(JsonNode::asLong).isSorted().hasSize(12);
        assertThat(one.get("events").get(0).get("step").asText()).isEqualTo("rendered");

        rest.get("/api/admin/configs/applies/987654", "X-Session-Id", admin).expect(404, "NOT_FOUND");
        rest.get("/api/admin/configs/applies/x", "X-Session-Id", admin).expect(400, "INVALID_ID");
        rest.get("/api/admin/configs/applies?outcome=maybe", "X-Session-Id", admin).expect(400, "INVALID_REQUEST");
        rest.get("/api/admin/configs/applies?kind=apache", "X-Session-Id", admin).expect(400, "INVALID_CONFIG_TARGET");
        rest.get("/api/admin/configs/applies", "X-Session-Id", configSvc.userSession("gw-auditor"))
            .expect(403, "PERMISSION_DENIED");
    }

    @Test
    void theRenderedFilesAreWhatAnApplyPutsInForce() throws Exception {
        newNginxRevision();
        ApplyStream.start(configSvc.port(), admin, StartApply.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                                                            .build()).summary();
        Rest rest = new Rest("http://127.0.0.1:" + gateway.port());
        long edge = rest.get("/api/admin/servers?role=edge", "X-Session-Id", admin).expect(200, "ok").body()
                        .get("servers").get(0).get("id").asLong();
        JsonNode rendered = rest.get("/api/admin/servers/" + edge + "/configs/nginx", "X-Session-Id", admin)
                                .expect(200, "ok").body();
        assertThat(rendered.get("version").asText()).isNotBlank();
        assertThat(rendered.get("sha256").asText()).hasSize(64);
        JsonNode file = rendered.get("files").get(0);
        assertThat(file.get("name").asText()).isEqualTo("nginx.conf");
        assertThat(file.get("content").asText()).isEqualTo(read(agents.all().get(2).activeFile("nginx", "nginx.conf")))
                                                .contains("# gateway test change " + changes);
        // An older revision renders as it was.
        long revision = rendered.get("revision").asLong();
        JsonNode older = rest.get("/api/admin/servers/" + edge + "/configs/nginx?revision=" + (revision - 1),
                                  "X-Session-Id", admin).expect(200, "ok").body();
        assertThat(older.get("revision").asLong()).isLessThan(revision);
        assertThat(older.get("files").get(0).get("content").asText())
                .doesNotContain("# gateway test change " + changes);

        rest.get("/api/admin/servers/987654/configs/nginx", "X-Session-Id", admin).expect(404, "SERVER_NOT_FOUND");
        rest.get("/api/admin/servers/" + edge + "/configs/apache", "X-Session-Id", admin)
            .expect(400, "INVALID_CONFIG_TARGET");
        rest.get("/api/admin/servers/" + edge + "/configs/nginx?revision=0x1", "X-Session-Id", admin)
            .expect(400, "INVALID_ID");
        rest.get("/api/admin/servers/" + edge + "/configs/nginx", "X-Session-Id", configSvc.userSession("gw-render"))
            .expect(403, "PERMISSION_DENIED");
    }

    @Test
    void anApplyOutlivesItsSocketAndIsSteeredThroughItsRecord() throws Exception {
        newNginxRevision();
        Socket socket = Socket.open(admin);
        socket.send("{\"type\":\"start\",\"kind\":\"nginx\",\"promotion\":\"manual\"}");
        String id = socket.next().get("apply_id").asText();
        socket.nextOfType("awaiting_promotion");
        // A console reloaded: its socket goes, the apply waits on for a promotion.
        socket.close();
        Rest rest = new Rest("http://127.0.0.1:" + gateway.port());
        String path = "/api/admin/configs/applies/" + id;
        JsonNode listed = rest.get("/api/admin/configs/applies?kind=nginx", "X-Session-Id", admin).expect(200, "ok")
                              .body().get("applies").get(0);
        assertThat(listed.get("apply_id").asText()).isEqualTo(id);
        assertThat(listed.get("outcome").asText()).isEqualTo("running");
        JsonNode record = rest.get(path, "X-Session-Id", admin).expect(200, "ok").body();
        assertThat(record.get("apply").get("summary").isNull()).isTrue();
        assertThat(record.get("apply").get("promotion").asText()).isEqualTo("manual");
        assertThat(record.get("events")).extracting(event -> event.get("step").asText())
                                        .containsExactly("rendered", "pushed", "validated", "activated");

        rest.post(path + "/promote", "", "X-Session-Id", admin).expect(204);
        Await.until("the relay is activated", () -> rest.get(path, "X-Session-Id", admin).body().get("events")
                .size() == 8);
        rest.post(path + "/cancel", "{\"reason\":\"from the record\"}", "X-Session-Id", admin).expect(204);
        Await.until("the apply ends", () -> !rest.get(path, "X-Session-Id", admin).body().get("apply")
                .get("outcome").asText().equals("running"));
        JsonNode ended = rest.get(path, "X-Session-Id", admin).expect(200, "ok").body().get("apply");
        assertThat(ended.get("summary").get("outcome").asText()).isEqualTo("cancelled");
        assertThat(ended.get("summary").get("rolled_back").asInt()).isEqualTo(2);
        assertThat(ended.get("cancel_reason").asText()).isEqualTo("from the record");
        rest.post(path + "/cancel", "", "X-Session-Id", admin).expect(404, "NOT_FOUND");
        rest.post(path + "/promote", "", "X-Session-Id", admin).expect(404, "NOT_FOUND");
    }

    @Test
    void theWebSocketNeedsAnAdminSession() {
        assertThat(handshakeStatus(null)).isEqualTo(401);
        assertThat(handshakeStatus(configSvc.userSession("gw-ws-user"))).isEqualTo(403);
    }

    /** A file's content, or null if there is none (nothing in force yet). */
    private static String read(Path file) throws Exception {
        return Files.exists(file) ? Files.readString(file) : null;
    }

    private static int handshakeStatus(String session) {
        HttpHeaders headers = session == null ? HttpHeaders.of() : HttpHeaders.of("X-Session-Id", session);
        try {
            WebSocketClient.of("ws://127.0.0.1:" + gateway.port())
                           .connect(io.mediamesh.gateway.apply.ApplyWebSocket.PATH, headers).join();
        } catch (Exception e) {
            Throwable cause = e.getCause();
            assertThat(cause).isInstanceOf(WebSocketClientHandshakeException.class);
            return ((WebSocketClientHandshakeException) cause).headers().status().code();
        }
        throw new AssertionError("The handshake succeeded");
    }

    /** A new nginx revision for every role, so that every server gets a new version to apply. */
    private static void newNginxRevision() {
        changes++;
        for (MediaServerRole role : List.of(MEDIA_SERVER_ROLE_ORIGIN, MEDIA_SERVER_ROLE_RELAY, MEDIA_SERVER_ROLE_EDGE)) {
            var current = configSvc.configs(admin).getConfig(io.mediamesh.api.v1.GetConfigRequest.newBuilder()
                    .setKind(ConfigKind.CONFIG_KIND_NGINX).setRole(role).build()).getRevision().getDocument();
            var changed = current.toBuilder();
            changed.getNginxBuilder().addExtraLines("# gateway test change " + changes);
            configSvc.configs(admin).putConfig(io.mediamesh.api.v1.PutConfigRequest.newBuilder()
                    .setKind(ConfigKind.CONFIG_KIND_NGINX).setRole(role).setDocument(changed).build());
        }
    }

    private static WebClient client() {
        return WebClient.builder("http://127.0.0.1:" + gateway.port())
                        .responseTimeout(Duration.ofMinutes(1)).build();
    }

    private static AggregatedHttpResponse post(String body, String... headers) {
        RequestHeadersBuilder builder = RequestHeaders.builder(HttpMethod.POST, APPLY)
                                                       .contentType(MediaType.JSON_UTF_8);
        for (int i = 0; i < headers.length; i += 2) {
            builder.add(headers[i], headers[i + 1]);
        }
        return client().execute(builder.build(), body).aggregate().join();
    }

    private static void assertEnvelope(AggregatedHttpResponse response, int status, String code) throws Exception {
        assertThat(response.status().code()).as(response.contentUtf8()).isEqualTo(status);
        JsonNode envelope = JSON.readTree(response.contentUtf8());
        assertThat(envelope.get("code").asText()).isEqualTo(code);
        assertThat(envelope.get("response").asText()).isNotBlank();
    }

    /** One NDJSON line and when it arrived. */
    private record Line(JsonNode json, long arrivedNanos) {}

    /** Splits a streamed body into lines as the chunks arrive. */
    private static final class LineCollector implements Subscriber<HttpObject> {
        private final CompletableFuture<ResponseHeaders> headers;
        private final List<Line> lines;
        private final CompletableFuture<Void> done;
        private final StringBuilder partial = new StringBuilder();

        LineCollector(CompletableFuture<ResponseHeaders> headers, List<Line> lines, CompletableFuture<Void> done) {
            this.headers = headers;
            this.lines = lines;
            this.done = done;
        }

        @Override
        public void onSubscribe(Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(HttpObject object) {
            if (object instanceof ResponseHeaders responseHeaders && !responseHeaders.status().isInformational()) {
                headers.complete(responseHeaders);
            } else if (object instanceof HttpData data) {
                partial.append(data.toStringUtf8());
                int newline;
                while ((newline = partial.indexOf("\n")) >= 0) {
                    String line = partial.substring(0, newline);
                    partial.delete(0, newline + 1);
                    try {
                        lines.add(new Line(JSON.readTree(line), System.nanoTime()));
                    } catch (Exception e) {
                        done.completeExceptionally(e);
                    }
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }
    }

    /** A WebSocket client of the interactive apply. */
    private static final class Socket implements Subscriber<WebSocketFrame> {
        private final WebSocketWriter out;
        private final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        private final CompletableFuture<Void> closed = new CompletableFuture<>();

        private Socket(WebSocketSession session) {
            this.out = session.outbound();
            session.inbound().subscribe(this);
        }

        static Socket open(String sessionId) {
            return new Socket(WebSocketClient.of("ws://127.0.0.1:" + gateway.port())
                                             .connect(io.mediamesh.gateway.apply.ApplyWebSocket.PATH,
                                                      HttpHeaders.of("X-Session-Id", sessionId)).join());
        }

        void send(String json) {
            out.write(json);
        }

        JsonNode next() throws InterruptedException {
            JsonNode message = messages.poll(60, TimeUnit.SECONDS);
            assertThat(message).as("a message within 60 s").isNotNull();
            return message;
        }

        JsonNode nextOfType(String type) throws InterruptedException {
            JsonNode message;
            do {
                message = next();
            } while (!message.get("type").asText().equals(type));
            return message;
        }

        /** Goes away as a closed browser tab does. */
        void close() {
            out.close();
        }

        void awaitClosed() throws Exception {
            closed.get(30, TimeUnit.SECONDS);
            out.close();
        }

        @Override
        public void onSubscribe(Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(WebSocketFrame frame) {
            if (frame.type() == WebSocketFrameType.TEXT) {
                try {
                    messages.add(JSON.readTree(frame.text()));
                } catch (Exception e) {
                    closed.completeExceptionally(e);
                }
            } else if (frame.type() == WebSocketFrameType.CLOSE) {
                closed.complete(null);
            }
        }

        @Override
        public void onError(Throwable t) {
            closed.complete(null);
        }

        @Override
        public void onComplete() {
            closed.complete(null);
        }
    }
}
