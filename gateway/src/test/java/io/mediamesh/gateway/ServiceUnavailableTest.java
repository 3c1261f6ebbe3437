package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpMethod;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A service that is down is a prompt 503 with a code and a Retry-After, not a hang. */
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
            List<Rest.Response> responses = List.of(
                    rest.get("/api/videos/" + video).expect(503, "SERVICE_UNAVAILABLE"),
                    rest.post("/api/login", Rest.json("user_name", "down_alice", "pwd", "password-down_alice"))
                        .expect(503, "SERVICE_UNAVAILABLE"),
                    rest.get("/api/user/down_alice", "X-Session-Id", session).expect(503, "SERVICE_UNAVAILABLE"),
                    // media-svc asks user-svc who the session is.
                    rest.send(HttpMethod.POST, "/upload/videos/" + video, "bytes", "X-Session-Id", session,
                              "Content-Type", "video/mp4").expect(503, "SERVICE_UNAVAILABLE"));
            assertThat(System.nanoTime() - started).isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(5));
            // What is down, and where, is for the logs, not for clients; when to try again is for them.
            for (Rest.Response response : responses) {
                assertThat(response.body().asText()).doesNotContain("127.0.0.1", Integer.toString(mesh.userSvcPort()),
                                                                    "http://", "Connection refused");
                assertThat(response.headers().get("retry-after")).isEqualTo("2");
            }
        } finally {
            mesh.startUserSvc();
        }
        rest.get("/api/videos/" + video).expect(200, "ok");
    }
}
