package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import io.mediamesh.common.testing.Await;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A resumable upload nobody continues expires: its URL answers 404 at once, and the sweep removes its bytes. */
class ResumableExpiryTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh().with("mediamesh.media-svc.files.resumable.expire-after", "1s");

    @Test
    void anAbandonedUploadExpiresAndIsSweptAway() throws IOException {
        Rest rest = mesh.rest();
        String session = rest.register("tus_abandoner");
        long videoId = rest.createVideo(session, "tus_abandoner", "abandoned");
        BlockingWebClient gateway = BlockingWebClient.of("http://127.0.0.1:" + mesh.gatewayPort());
        String vid = Base64.getEncoder().encodeToString(Long.toString(videoId).getBytes(StandardCharsets.UTF_8));
        AggregatedHttpResponse created = gateway.execute(
                RequestHeaders.builder(HttpMethod.POST, "/upload/resumable").add("tus-resumable", "1.0.0")
                              .add("x-session-id", session).add("upload-length", "1000")
                              .add("upload-metadata", "vid " + vid).build());
        assertThat(created.status().code()).isEqualTo(201);
        String url = created.headers().get("location");
        RequestHeaders head = RequestHeaders.builder(HttpMethod.HEAD, url).add("tus-resumable", "1.0.0")
                                            .add("x-session-id", session).build();
        assertThat(gateway.execute(head).status().code()).isEqualTo(200);
        assertThat(uploadsOnDisk()).isEqualTo(1);

        Await.until("the upload expired", () -> gateway.execute(head).status().code() == 404);
        assertThat(mesh.sweepExpiredUploads()).isEqualTo(1);
        assertThat(uploadsOnDisk()).isZero();
    }

    /** Uploads' files; {@code .locks}, the uploads' lock file, stays. */
    private static long uploadsOnDisk() throws IOException {
        try (Stream<Path> entries = Files.list(mesh.videoRoot().resolve(".resumable"))) {
            return entries.filter(entry -> !entry.getFileName().toString().startsWith(".")).count();
        }
    }
}
