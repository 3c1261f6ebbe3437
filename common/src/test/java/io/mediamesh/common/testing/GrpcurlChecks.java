package io.mediamesh.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.WebClient;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import java.util.Map;

/** What every service must answer to a person with grpcurl, curl and a browser. */
public final class GrpcurlChecks {
    private GrpcurlChecks() {}

    /**
     * For a port of the mesh, to a caller with the certificate of {@code as}: reflection lists
     * health and reflection, a dynamic Health/Check says SERVING, and /docs, /metrics and /health
     * answer; in plain HTTP only /health does.
     */
    public static void assertServesTheBasics(int port, Identity as) throws InvalidProtocolBufferException {
        try (ReflectionClient grpcurl = new ReflectionClient("127.0.0.1", port, TestMeshCa.issue(as),
                                                             TestMeshCa.caCertificate())) {
            assertThat(grpcurl.listServices()).contains("grpc.health.v1.Health",
                                                        "grpc.reflection.v1.ServerReflection");
            assertThat(grpcurl.call("grpc.health.v1.Health", "Check", "{}", Map.of()))
                    .contains("\"status\": \"SERVING\"");
        }
        try (MeshTls tls = TestMeshCa.tls(as)) {
            BlockingWebClient https = WebClient.builder(tls.uri("127.0.0.1:" + port)).factory(tls.clientFactory())
                                               .build().blocking();
            assertThat(https.get("/docs/").status().code()).isEqualTo(200);
            assertThat(https.get("/health").status().code()).isEqualTo(200);
            assertThat(https.get("/metrics").contentUtf8()).contains("# TYPE");
        }
        BlockingWebClient http = BlockingWebClient.of("http://127.0.0.1:" + port);
        assertThat(http.get("/health").status().code()).isEqualTo(200);
        assertThat(http.get("/metrics").status().code()).isEqualTo(426);
        assertThat(http.get("/docs/").status().code()).isEqualTo(426);
    }

    /**
     * For a port outside the mesh (the gateway's management port), in plain text: reflection lists
     * health and reflection, a dynamic Health/Check says SERVING, and /docs, /metrics and /health
     * answer.
     */
    public static void assertServesTheBasics(int port) throws InvalidProtocolBufferException {
        try (ReflectionClient grpcurl = new ReflectionClient("127.0.0.1", port)) {
            assertThat(grpcurl.listServices()).contains("grpc.health.v1.Health",
                                                        "grpc.reflection.v1.ServerReflection");
            assertThat(grpcurl.call("grpc.health.v1.Health", "Check", "{}", Map.of()))
                    .contains("\"status\": \"SERVING\"");
        }
        BlockingWebClient http = BlockingWebClient.of("http://127.0.0.1:" + port);
        assertThat(http.get("/docs/").status().code()).isEqualTo(200);
        assertThat(http.get("/health").status().code()).isEqualTo(200);
        assertThat(http.get("/metrics").contentUtf8()).contains("# TYPE");
    }
}
