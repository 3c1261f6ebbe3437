package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import io.mediamesh.common.testing.Await;
import io.mediamesh.gateway.testing.FileTransfers;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.media.testing.TestVideos;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resumable uploads (tus 1.0) through the gateway's {@code /upload/resumable}: an upload cut off
 * mid-chunk goes on from the offset the server reports and ends byte-identical and ready; each bad
 * request answers its status and code and leaves the upload as it was.
 */
class ResumableUploadTest {
    private static final int LIMIT = 4 * 1024 * 1024;

    @RegisterExtension
    static final Mesh mesh = new Mesh().with("mediamesh.media-svc.files.max-size", LIMIT);

    private final Rest rest = mesh.rest();
    private final FileTransfers files = new FileTransfers(mesh);
    private final WebClient gateway = WebClient.builder("h1c://127.0.0.1:" + mesh.gatewayPort())
                                               .responseTimeout(Duration.ofSeconds(30)).build();

    private record Owned(String session, long id) {}

    private Owned ownedVideo(String userName) {
        String session = rest.register(userName);
        return new Owned(session, rest.createVideo(session, userName, "resumable"));
    }

    @Test
    void anUploadCutOffMidChunkResumesFromTheReportedOffsetAndEndsReady() throws IOException {
        Owned video = ownedVideo("tus_owner");
        byte[] bytes = TestVideos.mp4(3 * 1024 * 1024 + 77, 31);
        String url = create(video.session(), video.id(), bytes.length);
        int third = bytes.length / 3;

        AggregatedHttpResponse first = patch(video.session(), url, 0, Arrays.copyOfRange(bytes, 0, third));
        assertThat(first.status().code()).as(first.contentUtf8()).isEqualTo(204);
        assertThat(first.headers().get("upload-offset")).isEqualTo(Integer.toString(third));

        // The second third: the connection drops halfway through its body.
        try (Socket socket = new Socket("127.0.0.1", mesh.gatewayPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PATCH " + url + " HTTP/1.1\r\nHost: test\r\nTus-Resumable: 1.0.0\r\nX-Session-Id: " +
                       video.session() + "\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: " +
                       third + "\r\nContent-Length: " + third + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, third, third / 2);
            out.flush();
            Await.until("the file server has some of the cut-off body", () -> offset(video.session(), url) > third);
        }
        Await.until("the cut-off PATCH is over", () -> patchable(video.session(), url));
        long resumeAt = offset(video.session(), url);
        assertThat(resumeAt).isGreaterThan(third).isLessThanOrEqualTo(third + third / 2);

        AggregatedHttpResponse last = patch(video.session(), url, resumeAt,
                                            Arrays.copyOfRange(bytes, (int) resumeAt, bytes.length));
        assertThat(last.status().code()).as(last.contentUtf8()).isEqualTo(204);
        assertThat(last.headers().get("upload-offset")).isEqualTo(Integer.toString(bytes.length));

        var stored = rest.get("/api/videos/" + video.id()).expect(200, "ok").body().get("video");
        assertThat(stored.get("state").asText()).isEqualTo("ready");
        assertThat(stored.get("sha256").asText()).isEqualTo(TestVideos.sha256(bytes));
        assertThat(TestVideos.sha256(files.get(Long.toString(video.id())).content().array()))
                .isEqualTo(TestVideos.sha256(bytes));
        // Done: the upload's URL is gone.
        assertThat(head(video.session(), url).status().code()).isEqualTo(404);
    }

    @Test
    void aWrongOffsetIs409AndABadChecksumIs460AndKeepsNothing() {
        Owned video = ownedVideo("tus_checks");
        byte[] bytes = TestVideos.mp4(600_000, 32);
        String url = create(video.session(), video.id(), bytes.length);
        byte[] chunk = Arrays.copyOfRange(bytes, 0, 200_000);

        AggregatedHttpResponse wrongOffset = patch(video.session(), url, 100, chunk);
        assertThat(wrongOffset.status().code()).isEqualTo(409);
        assertThat(wrongOffset.contentUtf8()).contains("UPLOAD_OFFSET_MISMATCH");
        assertThat(offset(video.session(), url)).isZero();

        AggregatedHttpResponse badChecksum = patch(video.session(), url, 0, chunk, "sha256 " + sha256Base64(new byte[1]));
        assertThat(badChecksum.status().code()).isEqualTo(460);
        assertThat(badChecksum.contentUtf8()).contains("CHECKSUM_MISMATCH");
        assertThat(offset(video.session(), url)).isZero();

        AggregatedHttpResponse goodChecksum = patch(video.session(), url, 0, chunk, "sha256 " + sha256Base64(chunk));
        assertThat(goodChecksum.status().code()).isEqualTo(204);
        assertThat(offset(video.session(), url)).isEqualTo(chunk.length);

        AggregatedHttpResponse unknownAlgorithm = patch(video.session(), url, chunk.length, chunk, "crc32 AAAA");
        assertThat(unknownAlgorithm.status().code()).isEqualTo(400);
        assertThat(unknownAlgorithm.contentUtf8()).contains("UNSUPPORTED_CHECKSUM_ALGORITHM");
        assertThat(offset(video.session(), url)).isEqualTo(chunk.length);

        AggregatedHttpResponse pastTheEnd = patch(video.session(), url, chunk.length,
                                                  Arrays.copyOf(bytes, bytes.length));
        assertThat(pastTheEnd.status().code()).isEqualTo(400);
        assertThat(offset(video.session(), url)).isEqualTo(chunk.length);
    }

    @Test
    void someoneElsesUploadIs403AndAnonymousIs401() {
        Owned video = ownedVideo("tus_mine");
        String url = create(video.session(), video.id(), 10_000);
        String other = rest.register("tus_theirs");
        assertThat(head(other, url).status().code()).isEqualTo(403);
        AggregatedHttpResponse foreign = patch(other, url, 0, TestVideos.mp4(10_000, 33));
        assertThat(foreign.status().code()).isEqualTo(403);
        assertThat(foreign.contentUtf8()).contains("PERMISSION_DENIED");
        assertThat(tus(HttpMethod.DELETE, url, other).status().code()).isEqualTo(403);
        assertThat(head(null, url).status().code()).isEqualTo(401);
        assertThat(offset(video.session(), url)).isZero();
        // Nor may anyone else create an upload for this video.
        AggregatedHttpResponse created = gateway.execute(creation(other, video.id(), 10_000).build()).aggregate().join();
        assertThat(created.status().code()).isEqualTo(403);
    }

    @Test
    void creationChecksTheLengthTheVideoAndTheProtocol() {
        Owned video = ownedVideo("tus_create");
        assertThat(gateway.execute(creation(video.session(), video.id(), LIMIT + 1).build()).aggregate().join()
                          .status().code()).isEqualTo(413);
        assertThat(gateway.execute(creation(video.session(), 987654321, 10).build()).aggregate().join()
                          .status().code()).isEqualTo(404);
        RequestHeadersBuilder withoutVersion = creation(video.session(), video.id(), 10);
        withoutVersion.remove("tus-resumable");
        AggregatedHttpResponse noVersion = gateway.execute(withoutVersion.build()).aggregate().join();
        assertThat(noVersion.status().code()).isEqualTo(412);
        assertThat(noVersion.headers().get("tus-version")).isEqualTo("1.0.0");
        AggregatedHttpResponse noVid = gateway.execute(creation(video.session(), video.id(), 10)
                                                               .set("upload-metadata", "filename YS5tcDQ=").build())
                                              .aggregate().join();
        assertThat(noVid.status().code()).isEqualTo(400);
        assertThat(noVid.contentUtf8()).contains("MISSING_FIELD");

        AggregatedHttpResponse options = gateway.execute(RequestHeaders.of(HttpMethod.OPTIONS, "/upload/resumable"))
                                                .aggregate().join();
        assertThat(options.status().code()).isEqualTo(204);
        assertThat(options.headers().get("tus-extension")).contains("creation", "termination", "checksum");
        assertThat(options.headers().get("tus-max-size")).isEqualTo(Integer.toString(LIMIT));
    }

    @Test
    void contentThatIsNotAVideoIs415AtItsFirstBytesAndTheUploadIsGone() {
        Owned video = ownedVideo("tus_text");
        String url = create(video.session(), video.id(), 100_000);
        byte[] text = "not a video at all\n".repeat(100).getBytes(StandardCharsets.UTF_8);
        AggregatedHttpResponse refused = patch(video.session(), url, 0, text);
        assertThat(refused.status().code()).isEqualTo(415);
        assertThat(refused.contentUtf8()).contains("UNSUPPORTED_MEDIA_TYPE");
        assertThat(head(video.session(), url).status().code()).isEqualTo(404);
        assertThat(rest.get("/api/videos/" + video.id()).body().get("video").get("state").asText())
                .isEqualTo("pending");
    }

    @Test
    void terminationRemovesTheUploadAndItsBytes() {
        Owned video = ownedVideo("tus_abandon");
        String url = create(video.session(), video.id(), 100_000);
        assertThat(patch(video.session(), url, 0, TestVideos.mp4(40_000, 34)).status().code()).isEqualTo(204);
        assertThat(resumableFiles()).isNotEmpty();
        assertThat(tus(HttpMethod.DELETE, url, video.session()).status().code()).isEqualTo(204);
        assertThat(head(video.session(), url).status().code()).isEqualTo(404);
        assertThat(resumableFiles()).doesNotContain(url.substring(url.lastIndexOf('/') + 1));
    }

    /** Creates an upload for {@code length} bytes of video {@code videoId}; returns its URL. */
    private String create(String session, long videoId, long length) {
        AggregatedHttpResponse created = gateway.execute(creation(session, videoId, length).build()).aggregate().join();
        assertThat(created.status().code()).as(created.contentUtf8()).isEqualTo(201);
        assertThat(created.headers().get("tus-resumable")).isEqualTo("1.0.0");
        assertThat(created.headers().get("upload-expires")).endsWith("GMT");
        String location = created.headers().get("location");
        assertThat(location).matches("/upload/resumable/[0-9a-f]{32}");
        return location;
    }

    private static RequestHeadersBuilder creation(String session, long videoId, long length) {
        String vid = Base64.getEncoder().encodeToString(Long.toString(videoId).getBytes(StandardCharsets.UTF_8));
        return RequestHeaders.builder(HttpMethod.POST, "/upload/resumable").add("tus-resumable", "1.0.0")
                             .add("x-session-id", session).add("upload-length", Long.toString(length))
                             .add("upload-metadata", "vid " + vid + ",filename YS5tcDQ=");
    }

    private AggregatedHttpResponse patch(String session, String url, long offset, byte[] body, String... checksum) {
        RequestHeadersBuilder headers = RequestHeaders.builder(HttpMethod.PATCH, url).add("tus-resumable", "1.0.0")
                                                      .add("x-session-id", session)
                                                      .add("content-type", "application/offset+octet-stream")
                                                      .add("upload-offset", Long.toString(offset));
        if (checksum.length > 0) {
            headers.add("upload-checksum", checksum[0]);
        }
        return gateway.execute(headers.build(), HttpData.wrap(body)).aggregate().join();
    }

    private AggregatedHttpResponse head(String session, String url) {
        return tus(HttpMethod.HEAD, url, session);
    }

    private AggregatedHttpResponse tus(HttpMethod method, String url, String session) {
        RequestHeadersBuilder headers = RequestHeaders.builder(method, url).add("tus-resumable", "1.0.0");
        if (session != null) {
            headers.add("x-session-id", session);
        }
        return gateway.execute(headers.build()).aggregate().join();
    }

    private long offset(String session, String url) {
        AggregatedHttpResponse head = head(session, url);
        assertThat(head.status().code()).isEqualTo(200);
        assertThat(head.headers().get("cache-control")).isEqualTo("no-store");
        return Long.parseLong(head.headers().get("upload-offset"));
    }

    /** True once no other PATCH of the upload runs: an empty one at its offset is taken. */
    private boolean patchable(String session, String url) {
        return patch(session, url, offset(session, url), new byte[0]).status().code() == 204;
    }

    private java.util.List<String> resumableFiles() {
        java.nio.file.Path folder = mesh.videoRoot().resolve(".resumable");
        try (var entries = java.nio.file.Files.list(folder)) {
            return entries.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String sha256Base64(byte[] bytes) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
