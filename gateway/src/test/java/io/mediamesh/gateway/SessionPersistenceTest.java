package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sessions live in the database: they outlive both user-svc and the gateway. */
class SessionPersistenceTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh();

    @Test
    void sessionSurvivesRestartsOfUserSvcAndGateway() {
        Rest rest = mesh.rest();
        String session = rest.register("persist_alice");
        long video = rest.createVideo(session, "persist_alice", "kept");

        mesh.restartUserSvc();
        rest.get("/api/user/persist_alice", "X-Session-Id", session).expect(200, "ok");

        mesh.restartGateway();
        rest.get("/api/user/persist_alice", "X-Session-Id", session).expect(200, "ok");
        rest.post("/api/videos/" + video + "/comments", Rest.json("content", "still me"), "X-Session-Id", session)
            .expect(201, "ok");
    }

    @Test
    void storedSessionsRevealNoUsableId() {
        Rest rest = mesh.rest();
        String session = rest.register("persist_bob");
        var rows = mesh.database().dsl().fetch("SELECT token_hash, expires_at FROM sessions");
        assertThat(rows).isNotEmpty();
        for (var row : rows) {
            byte[] stored = (byte[]) row.get(0);
            assertThat(stored).hasSize(32);
            assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(session);
            // Using a stored value as a session id gets nowhere.
            String asId = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(stored);
            rest.get("/api/user/persist_bob", "X-Session-Id", asId).expect(401, "UNAUTHENTICATED");
        }
        Instant expiresAt = Instant.parse(rest.post("/api/login", Rest.json("user_name", "persist_bob",
                                                                            "pwd", "password-persist_bob"))
                                              .body().get("expires_at").asText());
        assertThat(Duration.between(Instant.now(), expiresAt)).isBetween(Duration.ofMinutes(29),
                                                                        Duration.ofMinutes(31));
    }
}
