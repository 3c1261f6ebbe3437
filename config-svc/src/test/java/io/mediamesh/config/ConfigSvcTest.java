package io.mediamesh.config;

import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import io.mediamesh.common.testing.GrpcurlChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConfigSvcTest {
    @RegisterExtension
    static final ServerExtension server = new ServerExtension() {
        @Override
        protected void configure(ServerBuilder sb) {
            new ConfigSvc().configureServices(sb);
        }
    };

    @Test
    void servesHealthReflectionDocsAndMetrics() throws Exception {
        GrpcurlChecks.assertServesTheBasics(server.httpPort());
    }
}
