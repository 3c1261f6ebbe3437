package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.media.testing.TestVideos;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two gateways on the same services, as two replicas behind a load balancer that sends each
 * request wherever it likes: every request here carries the site's public host ({@value #SITE}),
 * as the balancer passes it on, and goes to one gateway or the other. Nothing a client does
 * depends on which: sessions and their cookie, the browser rules, and a tus upload started on one
 * and finished on the other.
 */
class GatewayReplicasTest {
    private static final String SITE = "site.example";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Mesh mesh = new Mesh();

    private static Mesh.GatewayReplica second;
    private static WebClient one;
    private static WebClient two;
    private final Rest rest = mesh.rest();

    @BeforeAll
    static void startTheSecondGateway() {
        second = mesh.startGatewayReplica();
        one = client(mesh.gatewayPort());
        two = client(second.port());
    }

    @AfterAll
    static void stopTheSecondGateway() {
        second.close();
    }

    @Test
    void aSessionCookieFromOneGatewayWorksOnTheOtherUntilALogoutOnEitherEndsItOnBoth() throws Exception {
        rest.register("replica_alice");
        AggregatedHttpResponse login = send(one, request(HttpMethod.POST, "/api/login")
                .contentType(MediaType.JSON), "{\"user_name\":\"replica_alice\",\"pwd\":\"password-replica_alice\"}");
        assertThat(login.status().code()).as(login.contentUtf8()).isEqualTo(200);
        String cookie = login.headers().get("set-cookie");
        assertThat(cookie).startsWith("session=");
        String session = cookie.substring("session=".length(), cookie.indexOf(';'));

        // The cookie set by the first gateway is a session on the second.
        AggregatedHttpResponse me = send(two, request(HttpMethod.GET, "/api/user/replica_alice")
                .add("cookie", cookie(session)), null);
        assertThat(me.status().code()).as(me.contentUtf8()).isEqualTo(200);
        // The browser rules are the same on both: a cookie request that changes state from another
        // site is refused by either gateway, one from the site's own origin is let through.
        for (WebClient gateway : new WebClient[] {one, two}) {
            AggregatedHttpResponse forged = send(gateway, request(HttpMethod.POST, "/api/logout")
                    .add("cookie", cookie(session)).add("origin", "https://elsewhere.example"), null);
            assertThat(forged.status().code()).isEqualTo(403);
            assertThat(code(forged)).isEqualTo("CROSS_SITE_REQUEST");
        }
        AggregatedHttpResponse logout = send(two, request(HttpMethod.POST, "/api/logout")
                .add("cookie", cookie(session)).add("origin", "http://" + SITE), null);
        assertThat(logout.status().code()).as(logout.contentUtf8()).isEqualTo(204);

        // Ended on the second gateway, so ended on the first: user-svc holds sessions, no gateway does.
        AggregatedHttpResponse after = send(one, request(HttpMethod.GET, "/api/user/replica_alice")
                .add("cookie", cookie(session)), null);
        assertThat(after.status().code()).isEqualTo(401);
        assertThat(code(after)).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void aTusUploadStartedOnOneGatewayResumesOnTheOtherAndEndsReady() throws Exception {
        String session = rest.register("replica_bob");
        long videoId = rest.createVideo(session, "replica_bob", "across replicas");
        byte[] bytes = TestVideos.mp4(2 * 1024 * 1024 + 13, 41);
        int third = bytes.length / 3;

        String vid = Base64.getEncoder().encodeToString(Long.toString(videoId).getBytes(StandardCharsets.UTF_8));
        AggregatedHttpResponse created = send(one, tus(HttpMethod.POST, "/upload/resumable", session)
                .add("upload-length", Integer.toString(bytes.length))
                .add("upload-metadata", "vid " + vid + ",filename YS5tcDQ="), null);
        assertThat(created.status().code()).as(created.contentUtf8()).isEqualTo(201);
        String url = created.headers().get("location");
        AggregatedHttpResponse first = patch(one, session, url, 0, Arrays.copyOfRange(bytes, 0, third));
        assertThat(first.status().code()).as(first.contentUtf8()).isEqualTo(204);

        // The second gateway knows the upload: its state is media-svc's, not a gateway's.
        AggregatedHttpResponse head = send(two, tus(HttpMethod.HEAD, url, session), null);
        assertThat(head.status().code()).isEqualTo(200);
        assertThat(head.headers().get("upload-offset")).isEqualTo(Integer.toString(third));
        AggregatedHttpResponse second = patch(two, session, url, third, Arrays.copyOfRange(bytes, third, 2 * third));
        assertThat(second.status().code()).as(second.contentUtf8()).isEqualTo(204);
        // And back to the first for the last part, as a balancer may send it.
        AggregatedHttpResponse last = patch(one, session, url, 2 * third,
                                            Arrays.copyOfRange(bytes, 2 * third, bytes.length));
        assertThat(last.status().code()).as(last.contentUtf8()).isEqualTo(204);
        assertThat(last.headers().get("upload-offset")).isEqualTo(Integer.toString(bytes.length));

        JsonNode video = rest.get("/api/videos/" + videoId).expect(200, "ok").body().get("video");
        assertThat(video.get("state").asText()).isEqualTo("ready");
        assertThat(video.get("sha256").asText()).isEqualTo(TestVideos.sha256(bytes));
        assertThat(send(two, tus(HttpMethod.HEAD, url, session), null).status().code()).isEqualTo(404);
    }

    private static WebClient client(int port) {
        return WebClient.builder("h1c://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
    }

    /** A request as the load balancer passes it on: the site's public host. */
    private static RequestHeadersBuilder request(HttpMethod method, String path) {
        return RequestHeaders.builder(method, path).authority(SITE);
    }

    private static RequestHeadersBuilder tus(HttpMethod method, String path, String session) {
        return request(method, path).add("tus-resumable", "1.0.0").add("cookie", cookie(session));
    }

    private static AggregatedHttpResponse patch(WebClient gateway, String session, String url, long offset,
                                                byte[] body) {
        RequestHeaders headers = tus(HttpMethod.PATCH, url, session)
                .contentType(MediaType.parse("application/offset+octet-stream"))
                .add("upload-offset", Long.toString(offset)).build();
        return gateway.execute(headers, HttpData.wrap(body)).aggregate().join();
    }

    private static AggregatedHttpResponse send(WebClient gateway, RequestHeadersBuilder headers, String body) {
        return (body == null ? gateway.execute(headers.build())
                             : gateway.execute(headers.build(), body)).aggregate().join();
    }

    private static String cookie(String session) {
        return "session=" + session;
    }

    private static String code(AggregatedHttpResponse response) throws Exception {
        return JSON.readTree(response.contentUtf8()).get("code").asText();
    }
}
