package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import io.mediamesh.common.testing.Await;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.media.testing.TestVideos;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two media-svc replicas on one schema and one video folder, as two pods on a shared volume: a tus
 * upload's PATCH runs on one replica at a time, whichever replica each request reaches.
 */
class MediaSvcReplicasTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh();

    private static Mesh.MediaSvcReplica second;
    private static WebClient one;
    private static WebClient two;
    private final Rest rest = mesh.rest();

    @BeforeAll
    static void startTheSecondMediaSvc() {
        second = mesh.startMediaSvcReplica();
        one = client(mesh.filesPort());
        two = client(second.filesPort());
    }

    @AfterAll
    static void stopTheSecondMediaSvc() {
        second.close();
    }

    @Test
    void aPatchUnderWayOnOneReplicaRefusesAnotherOnTheOtherAndTheUploadEndsWithTheRightBytes() throws Exception {
        String session = rest.register("replica_carol");
        long videoId = rest.createVideo(session, "replica_carol", "one PATCH at a time");
        byte[] bytes = TestVideos.mp4(2 * 1024 * 1024 + 7, 43);
        int half = bytes.length / 2;
        String vid = Base64.getEncoder().encodeToString(Long.toString(videoId).getBytes(StandardCharsets.UTF_8));
        AggregatedHttpResponse created = one.execute(tus(HttpMethod.POST, "/upload/resumable", session)
                .add("upload-length", Integer.toString(bytes.length))
                .add("upload-metadata", "vid " + vid).build()).aggregate().join();
        assertThat(created.status().code()).as(created.contentUtf8()).isEqualTo(201);
        String url = created.headers().get("location");

        // The first half goes to the first replica, which gets part of its body and waits for the rest.
        try (Socket socket = new Socket("127.0.0.1", mesh.filesPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PATCH " + url + " HTTP/1.1\r\nHost: test\r\nTus-Resumable: 1.0.0\r\nX-Session-Id: " + session +
                       "\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\nContent-Length: " +
                       half + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, 0, half / 2);
            out.flush();
            Await.until("the first replica writes the first PATCH", () -> offset(two, session, url) > 0);

            // The second replica refuses a PATCH of the same upload, and its removal, while the first writes.
            AggregatedHttpResponse concurrent = patch(two, session, url, 0, Arrays.copyOfRange(bytes, 0, half));
            assertThat(concurrent.status().code()).as(concurrent.contentUtf8()).isEqualTo(409);
            assertThat(concurrent.contentUtf8()).contains("UPLOAD_IN_PROGRESS");
            AggregatedHttpResponse removal = two.execute(tus(HttpMethod.DELETE, url, session).build())
                                                .aggregate().join();
            assertThat(removal.status().code()).isEqualTo(409);
            assertThat(removal.contentUtf8()).contains("UPLOAD_IN_PROGRESS");

            out.write(bytes, half / 2, half - half / 2);
            out.flush();
            BufferedReader answer = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                                                                             StandardCharsets.US_ASCII));
            assertThat(answer.readLine()).isEqualTo("HTTP/1.1 204 No Content");
        }
        assertThat(offset(two, session, url)).isEqualTo(half);

        // The rest on the second replica: the upload ends with exactly the bytes sent.
        AggregatedHttpResponse last = patch(two, session, url, half, Arrays.copyOfRange(bytes, half, bytes.length));
        assertThat(last.status().code()).as(last.contentUtf8()).isEqualTo(204);
        assertThat(last.headers().get("upload-offset")).isEqualTo(Integer.toString(bytes.length));
        JsonNode video = rest.get("/api/videos/" + videoId).expect(200, "ok").body().get("video");
        assertThat(video.get("state").asText()).isEqualTo("ready");
        assertThat(video.get("sha256").asText()).isEqualTo(TestVideos.sha256(bytes));
        AggregatedHttpResponse stored = one.get("/stream/videos/" + videoId).aggregate().join();
        assertThat(TestVideos.sha256(stored.content().array())).isEqualTo(TestVideos.sha256(bytes));
        assertThat(one.execute(tus(HttpMethod.HEAD, url, session).build()).aggregate().join().status().code())
                .isEqualTo(404);
    }

    private static WebClient client(int port) {
        return WebClient.builder("h1c://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
    }

    private static RequestHeadersBuilder tus(HttpMethod method, String path, String session) {
        return RequestHeaders.builder(method, path).add("tus-resumable", "1.0.0").add("x-session-id", session);
    }

    private static AggregatedHttpResponse patch(WebClient replica, String session, String url, long offset,
                                                byte[] body) {
        RequestHeaders headers = tus(HttpMethod.PATCH, url, session)
                .contentType(MediaType.parse("application/offset+octet-stream"))
                .add("upload-offset", Long.toString(offset)).build();
        return replica.execute(headers, HttpData.wrap(body)).aggregate().join();
    }

    private static long offset(WebClient replica, String session, String url) {
        AggregatedHttpResponse head = replica.execute(tus(HttpMethod.HEAD, url, session).build()).aggregate().join();
        assertThat(head.status().code()).isEqualTo(200);
        return Long.parseLong(head.headers().get("upload-offset"));
    }
}
