package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.testing.GrpcurlChecks;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.gateway.testing.Rest.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway's public port serves the REST API, streaming and uploads only; /docs, /metrics,
 * /health, gRPC reflection and health are on its management port; every public response carries
 * the security headers.
 */
class ManagementPortTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh();

    private final Rest rest = mesh.rest();

    @ParameterizedTest
    @ValueSource(strings = { "/docs/", "/docs/specification.json", "/metrics", "/health",
                             "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                             "/grpc.health.v1.Health/Check" })
    void thePublicPortHasNoManagementEndpoint(String path) {
        rest.get(path).expect(404, "NOT_FOUND");
        rest.send(HttpMethod.POST, path, "{}", "content-type", "application/grpc+json").expect(404, "NOT_FOUND");
    }

    @Test
    void theManagementPortHasThem() throws Exception {
        GrpcurlChecks.assertServesTheBasics(mesh.managementPort());
        BlockingWebClient management = BlockingWebClient.of(mesh.managementUri());
        AggregatedHttpResponse docs = management.get("/docs/");
        assertThat(docs.status().code()).isEqualTo(200);
        assertThat(docs.contentType().is(MediaType.HTML_UTF_8.withoutParameters())).isTrue();
        assertThat(management.get("/health").status().code()).isEqualTo(200);
        rest.get("/api/videos");
        String metrics = management.get("/metrics").contentUtf8();
        assertThat(metrics).contains("# TYPE", "jvm_memory_used_bytes", "armeria_build_info");
    }

    @ParameterizedTest
    @ValueSource(strings = { "/api/videos/1", "/api/user/admin", "/api/register", "/stream/videos/1",
                             "/upload/videos/1", "/upload/resumable", "/scheduler/tasks" })
    void theManagementPortHasNoPublicRoute(String path) {
        Rest management = new Rest(mesh.managementUri());
        management.get(path).expect(404, "NOT_FOUND");
        management.post(path, "{}").expect(404, "NOT_FOUND");
    }

    @Test
    void theManagementPortIsOnLoopbackByDefault() {
        GatewaySettings defaults = GatewaySettings.from(Configs.load(Map.of()));
        assertThat(defaults.management().host()).isEqualTo("127.0.0.1");
        assertThat(defaults.management().port()).isEqualTo(9180);
    }

    @Test
    void servicesKeepTheirOwnOnTheirPorts() throws Exception {
        GrpcurlChecks.assertServesTheBasics(mesh.userSvcPort(), Identity.OPERATOR);
        GrpcurlChecks.assertServesTheBasics(mesh.mediaSvcPort(), Identity.OPERATOR);
    }

    @Test
    void everyPublicResponseCarriesTheSecurityHeaders() {
        String session = rest.register("hdr_alice");
        long video = rest.createVideo(session, "hdr_alice", "v");
        Response[] responses = {
                rest.get("/api/videos/" + video).expect(200, "ok"),
                rest.get("/api/videos/" + (video + 1000)).expect(404, "VIDEO_NOT_FOUND"),
                rest.get("/api/nothing/here").expect(404, "NOT_FOUND"),
                rest.get("/api/user/hdr_alice").expect(401, "UNAUTHENTICATED"),
                rest.post("/api/register", "{").expect(400, "MALFORMED_BODY"),
                rest.send(HttpMethod.DELETE, "/api/videos/" + video, null, "cookie", "session=" + session,
                          "origin", "http://evil.example").expect(403, "CROSS_SITE_REQUEST"),
                rest.get("/stream/videos/" + video).expect(307),
                // Where that redirect leads: media-svc's file server, also public.
                new Rest("http://127.0.0.1:" + mesh.filesPort()).get("/stream/videos/" + video)
                                                                         .expect(404, "VIDEO_FILE_NOT_FOUND"),
        };
        for (Response response : responses) {
            assertThat(response.headers().get("x-content-type-options")).as("%s", response).isEqualTo("nosniff");
            assertThat(response.headers().get("x-frame-options")).as("%s", response).isEqualTo("DENY");
            assertThat(response.headers().get("referrer-policy")).as("%s", response)
                                                                 .isEqualTo("strict-origin-when-cross-origin");
        }
        AggregatedHttpResponse tooLarge = BlockingWebClient.of(mesh.gatewayUri()).execute(
                RequestHeaders.builder(HttpMethod.POST, "/api/register").contentType(MediaType.JSON_UTF_8).build(),
                "{\"user_name\":\"" + "x".repeat(70_000) + "\"}");
        assertThat(tooLarge.status().code()).isEqualTo(413);
        assertThat(tooLarge.headers().get("x-content-type-options")).isEqualTo("nosniff");
    }
}
