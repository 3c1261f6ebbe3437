package io.mediamesh.gateway;

import static io.mediamesh.gateway.testing.Rest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpMethod;
import io.mediamesh.common.server.RunningService;
import io.mediamesh.common.testing.Await;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.gateway.testing.RoomGateway;
import io.mediamesh.media.testing.JanusInstance;
import io.mediamesh.media.testing.RoomMesh;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Media rooms routes of API.md through the gateway, media-svc, config-svc and real Janus. */
class RoomRoutesTest {
    @RegisterExtension
    static final RoomMesh mesh = new RoomMesh();

    static RunningService<Gateway> gateway;
    static Rest rest;
    static String alice;
    static String bob;

    @BeforeAll
    static void startGateway() throws Exception {
        gateway = RoomGateway.start(mesh);
        rest = new Rest("http://127.0.0.1:" + gateway.port());
        alice = rest.register("alice");
        bob = rest.register("bob");
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    @Test
    void videoRoomLifecycle() {
        JsonNode room = rest.post("/api/rooms/video", json("description", "daily", "max_publishers", 4),
                                  "X-Session-Id", alice).expect(201, "ok").body();
        long id = room.get("room_id").asLong();
        assertThat(room.get("server").get("url").asText()).isNotEmpty();
        assertThat(room.get("secret").isNull()).isTrue();
        String path = "/api/rooms/video/" + id;

        rest.get("/api/rooms/video", "X-Session-Id", bob).expect(200, "ok");
        assertThat(rest.get(path, "X-Session-Id", bob).expect(200, "ok").body().get("participants")).isEmpty();
        JsonNode joined = rest.post(path + "/join", json("display", "Bob"), "X-Session-Id", bob).expect(200, "ok")
                              .body();
        assertThat(joined.get("room_id").asLong()).isEqualTo(id);
        assertThat(joined.get("token").asText()).isNotEmpty();
        assertThat(joined.get("server_url").asText()).isNotEmpty();
        JsonNode turn = joined.get("turn");
        assertThat(turn.get("urls").get(0).asText()).startsWith("turn:127.0.0.1:");
        assertThat(turn.get("username").asText()).matches("\\d+:u\\d+");
        assertThat(turn.get("password").asText()).isNotEmpty();
        assertThat(Instant.parse(turn.get("expires_at").asText())).isAfter(Instant.now().plusSeconds(3600));
        // The gateway's default: direct paths and the relay alike.
        assertThat(joined.get("ice_transport_policy").asText()).isEqualTo("all");

        String kick = path + "/participants/" + joined.get("participant_id").asLong();
        rest.delete(kick, "X-Session-Id", bob).expect(403, "PERMISSION_DENIED");
        rest.delete(kick, "X-Session-Id", alice).expect(204);
        rest.delete(path + "/participants/777", "X-Session-Id", alice).expect(404, "PARTICIPANT_NOT_FOUND");
        // Kicked is banned until the owner lifts it.
        rest.post(path + "/join", json("display", "Bob"), "X-Session-Id", bob).expect(403, "ROOM_BANNED");
        String ban = path + "/bans/" + mesh.userId(bob);
        rest.delete(ban, "X-Session-Id", bob).expect(403, "PERMISSION_DENIED");
        rest.delete(path + "/bans/abc", "X-Session-Id", alice).expect(400, "INVALID_ID");
        rest.delete(ban, "X-Session-Id", alice).expect(204);
        rest.post(path + "/join", json("display", "Bob"), "X-Session-Id", bob).expect(200, "ok");

        rest.send(HttpMethod.PUT, path + "/recording", json("enabled", true), "X-Session-Id", bob)
            .expect(403, "PERMISSION_DENIED");
        assertThat(rest.send(HttpMethod.PUT, path + "/recording", json("enabled", true), "X-Session-Id", alice)
                       .expect(200, "ok").body().get("room").get("recording").asBoolean()).isTrue();

        rest.get(path + "/recordings", "X-Session-Id", bob).expect(403, "PERMISSION_DENIED");
        rest.get(path + "/recordings?limit=0", "X-Session-Id", alice).expect(400, "INVALID_PAGINATION");
        // No nginx serves these servers' recordings: the listing says so instead of answering empty.
        rest.get(path + "/recordings", "X-Session-Id", alice).expect(503, "SERVICE_UNAVAILABLE");

        rest.delete(path, "X-Session-Id", bob).expect(403, "PERMISSION_DENIED");
        rest.delete(path, "X-Session-Id", alice).expect(204);
        rest.post(path + "/join", json("display", "Bob"), "X-Session-Id", bob).expect(404, "ROOM_NOT_FOUND");
        // Destroyed while recording: its files stay on the server, so its owner still lists them
        // (no nginx here: 503), and nobody else; a room that never was is 404.
        rest.get(path + "/recordings", "X-Session-Id", alice).expect(503, "SERVICE_UNAVAILABLE");
        rest.get(path + "/recordings", "X-Session-Id", bob).expect(403, "PERMISSION_DENIED");
        rest.get("/api/rooms/video/" + (id + 1) + "/recordings", "X-Session-Id", alice)
            .expect(404, "ROOM_NOT_FOUND");
    }

    @Test
    void textRoomTranscript() throws InterruptedException {
        long id = rest.post("/api/rooms/text", json("description", "chat", "record", true), "X-Session-Id", alice)
                      .expect(201, "ok").body().get("room_id").asLong();
        String path = "/api/rooms/text/" + id;
        rest.post(path + "/join", json("display", "Bob"), "X-Session-Id", bob).expect(200, "ok");
        rest.post(path + "/announcements", json("text", "hello"), "X-Session-Id", alice).expect(204);
        AtomicReference<JsonNode> messages = new AtomicReference<>();
        Await.until("the announcement is in the transcript", Duration.ofSeconds(5), () -> {
            messages.set(rest.get(path + "/transcript", "X-Session-Id", alice).expect(200, "ok").body()
                             .get("messages"));
            return messages.get().size() > 0;
        });
        assertThat(messages.get()).singleElement().satisfies(m -> {
            assertThat(m.get("text").asText()).isEqualTo("hello");
            assertThat(m.get("type").asText()).isEqualTo("announcement");
        });
        rest.get(path + "/transcript", "X-Session-Id", bob).expect(403, "PERMISSION_DENIED");
        rest.delete(path + "/participants/nobody", "X-Session-Id", alice).expect(404, "PARTICIPANT_NOT_FOUND");
        rest.delete(path, "X-Session-Id", alice).expect(204);
        rest.get(path, "X-Session-Id", alice).expect(404, "ROOM_NOT_FOUND");
    }

    @Test
    void badInputs() {
        rest.post("/api/rooms/video", json("description", "x"), new String[0]).expect(401, "UNAUTHENTICATED");
        rest.get("/api/rooms/video/abc", "X-Session-Id", alice).expect(400, "INVALID_ID");
        rest.get("/api/rooms/text/-1", "X-Session-Id", alice).expect(400, "INVALID_ID");
        rest.get("/api/rooms/video/123456", "X-Session-Id", alice).expect(404, "ROOM_NOT_FOUND");
        rest.post("/api/rooms/video", json("max_publishers", "many"), "X-Session-Id", alice)
            .expect(400, "INVALID_FIELD_TYPE");
        long id = rest.post("/api/rooms/video", json("description", "names"), "X-Session-Id", alice)
                      .expect(201, "ok").body().get("room_id").asLong();
        rest.post("/api/rooms/video/" + id + "/join", json("display", "n".repeat(65)), "X-Session-Id", bob)
            .expect(400, "INVALID_DISPLAY_NAME");
        rest.post("/api/rooms/video/" + id + "/join", json(), "X-Session-Id", bob).expect(400, "MISSING_FIELD");
        rest.get("/api/rooms/video/" + id, "X-Session-Id", bob).expect(200, "ok");
    }

    @Test
    void aJanusDownIsA500EnvelopeNotAHang() {
        JsonNode room = rest.post("/api/rooms/video", json("description", "down"), "X-Session-Id", alice)
                            .expect(201, "ok").body();
        String path = "/api/rooms/video/" + room.get("room_id").asLong();
        JanusInstance janus = mesh.janusOf(room.get("server").get("id").asLong());
        janus.stop();
        try {
            long started = System.nanoTime();
            rest.get(path, "X-Session-Id", alice).expect(500, "FAILED_CREATE_NEW_SESSION_HANDLE");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        } finally {
            janus.start();
        }
        rest.get(path, "X-Session-Id", alice).expect(200, "ok");
    }

    @Test
    void liveStreamLifecycle() {
        JsonNode created = rest.post("/api/streams", json("name", "launch", "audio", true, "video", true),
                                     "X-Session-Id", alice).expect(201, "ok").body();
        long id = created.get("stream_id").asLong();
        JsonNode ingest = created.get("ingest");
        assertThat(ingest.get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(ingest.get("ports")).hasSize(2).allSatisfy(port -> {
            assertThat(port.get("port").asInt()).isEqualTo(ingest.get("ports").get(0).get("port").asInt());
            assertThat(port.get("ssrc").asLong()).isPositive();
        });
        String path = "/api/streams/" + id;

        rest.post(path + "/watch", "", new String[0]).expect(500, "FAILED_STREAMING_WATCH");
        rest.post(path + "/forward", "", "X-Session-Id", bob).expect(403, "PERMISSION_DENIED");
        JsonNode tiers = rest.post(path + "/forward", "", "X-Session-Id", alice).expect(200, "ok").body()
                             .get("tiers");
        assertThat(tiers).extracting(t -> t.get("role").asText()).containsExactly("origin", "relay", "edge");
        assertThat(tiers.get(0).get("forwarders")).hasSize(2);
        assertThat(tiers.get(2).get("mountpoint_id").asLong()).isEqualTo(id);

        JsonNode open = rest.get(path, new String[0]).expect(200, "ok").body();
        assertThat(open.get("stream").get("ingest").isNull()).isTrue();
        assertThat(open.get("stream").get("watchable").asBoolean()).isTrue();
        assertThat(open.get("tiers")).isEmpty();
        JsonNode read = rest.get(path, "X-Session-Id", alice).expect(200, "ok").body();
        assertThat(read.get("stream").get("ingest").get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(read.get("stream").get("forwarding").asBoolean()).isTrue();
        assertThat(read.get("tiers").get(2).get("media")).hasSize(2);
        assertThat(read.get("tiers").get(2).get("enabled").asBoolean()).isTrue();
        assertThat(rest.get("/api/streams?owned=true", "X-Session-Id", alice).expect(200, "ok").body()
                       .get("streams")).extracting(s -> s.get("stream_id").asLong()).contains(id);

        JsonNode watch = rest.post(path + "/watch", "", "X-Session-Id", bob).expect(200, "ok").body();
        assertThat(watch.get("mountpoint_id").asLong()).isEqualTo(id);
        assertThat(watch.get("server_url").asText()).isNotEmpty();

        rest.post(path + "/stop", "", "X-Session-Id", bob).expect(403, "PERMISSION_DENIED");
        assertThat(rest.post(path + "/stop", "", "X-Session-Id", alice).expect(200, "ok").body().get("stream")
                       .get("enabled").asBoolean()).isFalse();
        rest.post(path + "/watch", "", "X-Session-Id", bob).expect(500, "FAILED_STREAMING_WATCH");
        assertThat(rest.post(path + "/start", "", "X-Session-Id", alice).expect(200, "ok").body().get("stream")
                       .get("enabled").asBoolean()).isTrue();

        rest.delete(path + "/forward", "X-Session-Id", bob).expect(403, "PERMISSION_DENIED");
        rest.delete(path + "/forward", "X-Session-Id", alice).expect(204);
        assertThat(rest.get(path, "X-Session-Id", alice).expect(200, "ok").body().get("tiers")).hasSize(1);
        rest.delete(path, "X-Session-Id", bob).expect(403, "PERMISSION_DENIED");
        rest.delete(path, "X-Session-Id", alice).expect(204);
        rest.get(path, new String[0]).expect(404, "STREAM_NOT_FOUND");
        rest.post(path + "/forward", "", "X-Session-Id", alice).expect(404, "STREAM_NOT_FOUND");
    }

    @Test
    void liveStreamBadInputs() {
        rest.post("/api/streams", json("name", "x", "audio", true), new String[0]).expect(401, "UNAUTHENTICATED");
        rest.post("/api/streams", json("audio", true), "X-Session-Id", alice).expect(400, "MISSING_FIELD");
        rest.post("/api/streams", json("name", "x", "audio", "yes"), "X-Session-Id", alice)
            .expect(400, "INVALID_FIELD_TYPE");
        rest.post("/api/streams", json("name", "n".repeat(65), "audio", true), "X-Session-Id", alice)
            .expect(400, "INVALID_REQUEST");
        rest.post("/api/streams", json("name", "mute"), "X-Session-Id", alice).expect(400, "INVALID_REQUEST");
        rest.post("/api/streams", "{", "X-Session-Id", alice).expect(400, "MALFORMED_BODY");
        rest.get("/api/streams/abc", new String[0]).expect(400, "INVALID_ID");
        rest.post("/api/streams/0/forward", "", "X-Session-Id", alice).expect(400, "INVALID_ID");
        rest.get("/api/streams/424242", new String[0]).expect(404, "STREAM_NOT_FOUND");
        rest.post("/api/streams/424242/watch", "", new String[0]).expect(404, "STREAM_NOT_FOUND");
        rest.delete("/api/streams/424242", "X-Session-Id", alice).expect(404, "STREAM_NOT_FOUND");
    }
}
