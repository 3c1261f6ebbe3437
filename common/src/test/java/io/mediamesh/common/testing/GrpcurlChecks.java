package io.mediamesh.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.linecorp.armeria.client.BlockingWebClient;
import java.util.Map;

/** What every service must answer to a person with grpcurl, curl and a browser. */
public final class GrpcurlChecks {
    private GrpcurlChecks() {}

    /**
     * Reflection lists health and reflection, a dynamic Health/Check says SERVING, and /docs,
     * /metrics and /health answer.
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
