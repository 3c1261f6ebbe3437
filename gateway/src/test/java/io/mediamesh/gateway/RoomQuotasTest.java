package io.mediamesh.gateway;

import static io.mediamesh.gateway.testing.Rest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediamesh.common.server.RunningService;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.gateway.testing.RoomGateway;
import io.mediamesh.media.testing.RoomMesh;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rooms and streams quotas through the gateway, media-svc and real Janus: over one, the create
 * answers 403 QUOTA_EXCEEDED naming it and nothing is created; an admin's higher limit lets the
 * same request through; a cleared one is the default again; the quota view counts them.
 */
class RoomQuotasTest {
    @RegisterExtension
    static final RoomMesh mesh = new RoomMesh().with("mediamesh.user-svc.quotas.rooms", 2)
                                               .with("mediamesh.user-svc.quotas.streams", 1);

    static RunningService<Gateway> gateway;
    static Rest rest;
    static String admin;

    @BeforeAll
    static void startGateway() throws Exception {
        gateway = RoomGateway.start(mesh);
        rest = new Rest("http://127.0.0.1:" + gateway.port());
        admin = rest.login(RoomMesh.ADMIN, RoomMesh.ADMIN_PASSWORD);
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    @Test
    void videoAndTextRoomsShareTheRoomsQuota() {
        String owner = rest.register("rq_rooms");
        rest.post("/api/rooms/video", json("description", "one"), "X-Session-Id", owner).expect(201, "ok");
        long text = rest.post("/api/rooms/text", json("description", "two"), "X-Session-Id", owner)
                        .expect(201, "ok").body().get("room_id").asLong();
        Rest.Response refused = rest.post("/api/rooms/video", json("description", "three"), "X-Session-Id", owner)
                                    .expect(403, "QUOTA_EXCEEDED");
        assertThat(refused.body().asText()).isEqualTo("quota exceeded: rooms (limit 2)");
        rest.post("/api/rooms/text", json("description", "three"), "X-Session-Id", owner)
            .expect(403, "QUOTA_EXCEEDED");
        assertThat(ownedRooms(owner)).isEqualTo(2);
        assertThat(usage(owner, "rq_rooms").get("rooms").asLong()).isEqualTo(2);
        // Others are not held to this user's quota.
        String other = rest.register("rq_other");
        rest.post("/api/rooms/video", json("description", "theirs"), "X-Session-Id", other).expect(201, "ok");

        JsonNode raised = rest.put("/api/user/rq_rooms/quota", json("rooms", 3), "X-Session-Id", admin)
                              .expect(200, "ok").body();
        assertThat(raised.get("limits").get("rooms").asLong()).isEqualTo(3);
        assertThat(raised.get("usage").get("rooms").asLong()).isEqualTo(2);
        rest.post("/api/rooms/video", json("description", "three"), "X-Session-Id", owner).expect(201, "ok");
        assertThat(ownedRooms(owner)).isEqualTo(3);

        rest.put("/api/user/rq_rooms/quota", json("rooms", null), "X-Session-Id", admin).expect(200, "ok");
        rest.post("/api/rooms/text", json("description", "four"), "X-Session-Id", owner).expect(403, "QUOTA_EXCEEDED");
        // A destroyed room no longer counts.
        rest.delete("/api/rooms/text/" + text, "X-Session-Id", owner).expect(204);
        rest.delete("/api/rooms/video/" + firstVideoRoom(owner), "X-Session-Id", owner).expect(204);
        rest.post("/api/rooms/text", json("description", "four"), "X-Session-Id", owner).expect(201, "ok");
    }

    @Test
    void theStreamsQuotaRefusesOneMoreStreamUntilAnAdminRaisesIt() {
        String owner = rest.register("rq_streams");
        String stream = json("name", "live", "audio", true, "video", true);
        rest.post("/api/streams", stream, "X-Session-Id", owner).expect(201, "ok");
        Rest.Response refused = rest.post("/api/streams", stream, "X-Session-Id", owner).expect(403, "QUOTA_EXCEEDED");
        assertThat(refused.body().asText()).isEqualTo("quota exceeded: streams (limit 1)");
        assertThat(usage(owner, "rq_streams").get("streams").asLong()).isEqualTo(1);

        rest.put("/api/user/rq_streams/quota", json("streams", 2), "X-Session-Id", admin).expect(200, "ok");
        rest.post("/api/streams", stream, "X-Session-Id", owner).expect(201, "ok");
        JsonNode quota = rest.get("/api/user/rq_streams/quota", "X-Session-Id", admin).expect(200, "ok").body();
        assertThat(quota.get("limits").get("streams").asLong()).isEqualTo(2);
        assertThat(quota.get("usage").get("streams").asLong()).isEqualTo(2);
        assertThat(quota.get("usage").get("rooms").asLong()).isZero();

        rest.put("/api/user/rq_streams/quota", "{}", "X-Session-Id", admin).expect(200, "ok");
        rest.post("/api/streams", stream, "X-Session-Id", owner).expect(403, "QUOTA_EXCEEDED");
        assertThat(usage(owner, "rq_streams").get("streams").asLong()).isEqualTo(2);
    }

    private static JsonNode usage(String session, String userName) {
        return rest.get("/api/user/" + userName + "/quota", "X-Session-Id", session).expect(200, "ok").body()
                   .get("usage");
    }

    private static long ownedRooms(String session) {
        long video = rest.get("/api/rooms/video?owned=true", "X-Session-Id", session).expect(200, "ok").body()
                         .get("rooms").size();
        long text = rest.get("/api/rooms/text?owned=true", "X-Session-Id", session).expect(200, "ok").body()
                        .get("rooms").size();
        return video + text;
    }

    private static long firstVideoRoom(String session) {
        return rest.get("/api/rooms/video?owned=true", "X-Session-Id", session).expect(200, "ok").body().get("rooms")
                   .get(0).get("room_id").asLong();
    }
}
