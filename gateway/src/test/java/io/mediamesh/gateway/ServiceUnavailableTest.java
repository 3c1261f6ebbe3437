package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A service that is down is a prompt 503 with a code, not a hang. */
class ServiceUnavailableTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh();

    @Test
    void userSvcDownGives503ThenRecovers() {
        Rest rest = mesh.rest();
        String session = rest.register("down_alice");
        long video = rest.createVideo(session, "down_alice", "v");

        mesh.stopUserSvc();
        try {
            long started = System.nanoTime();
            rest.get("/api/videos/" + video).expect(503, "SERVICE_UNAVAILABLE");
            rest.post("/api/login", Rest.json("user_name", "down_alice", "pwd", "password-down_alice"))
                .expect(503, "SERVICE_UNAVAILABLE");
            rest.get("/api/user/down_alice", "X-Session-Id", session).expect(503, "SERVICE_UNAVAILABLE");
            assertThat(System.nanoTime() - started).isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(5));
        } finally {
            mesh.startUserSvc();
        }
        rest.get("/api/videos/" + video).expect(200, "ok");
    }
}
