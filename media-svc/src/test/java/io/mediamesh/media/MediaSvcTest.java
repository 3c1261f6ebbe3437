package io.mediamesh.media;

import io.mediamesh.common.testing.GrpcurlChecks;
import io.mediamesh.common.tls.Identity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MediaSvcTest {
    @RegisterExtension
    static final MediaSvcFixture server = new MediaSvcFixture();

    @Test
    void servesHealthReflectionDocsAndMetrics() throws Exception {
        GrpcurlChecks.assertServesTheBasics(server.httpPort(), Identity.OPERATOR);
    }
}
