package io.mediamesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.common.testing.GrpcurlChecks;
import io.mediamesh.common.testing.ReflectionClient;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.config.testing.ConfigSvcFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConfigSvcTest {
    @RegisterExtension
    static final ConfigSvcFixture fixture = new ConfigSvcFixture();

    @Test
    void servesHealthReflectionDocsAndMetrics() throws Exception {
        GrpcurlChecks.assertServesTheBasics(fixture.port(), Identity.OPERATOR);
    }

    @Test
    void listsTheRegistryAndConfigServicesForGrpcurl() throws Exception {
        try (ReflectionClient grpcurl = new ReflectionClient("127.0.0.1", fixture.port(),
                                                             TestMeshCa.issue(Identity.OPERATOR),
                                                             TestMeshCa.caCertificate())) {
            assertThat(grpcurl.listServices()).contains("mediamesh.v1.MediaServerService",
                                                        "mediamesh.v1.ConfigService");
        }
    }
}
