package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.common.testing.Await;
import io.mediamesh.gateway.testing.FileTransfers;
import io.mediamesh.gateway.testing.FileTransfers.Answer;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.RawHttp;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.media.testing.TestVideos;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * POST /upload/videos/:vid through the gateway: each bad input answers its code, leaves nothing
 * in media-svc's folder, and the video can still be uploaded afterwards.
 */
class UploadRoutesTest {
    private static final int LIMIT = 1024 * 1024;

    @RegisterExtension
    static final Mesh mesh = new Mesh().with("mediamesh.media-svc.files.max-size", LIMIT);

    private final Rest rest = mesh.rest();
    private final FileTransfers files = new FileTransfers(mesh);

    /** A user with a fresh video: its id and the owner's session. */
    private record Owned(String session, long id) {
        String vid() {
            return Long.toString(id);
        }
    }

    private Owned ownedVideo(String userName) {
        String session = rest.register(userName);
        return new Owned(session, rest.createVideo(session, userName, "upload test"));
    }

    private static void expect(Answer answer, int status, String code) {
        assertThat(answer.status()).as("status of %s", answer.body()).isEqualTo(status);
        assertThat(answer.code()).isEqualTo(code);
    }

    /** Nothing of the video is on disk, and an upload by its owner still works. */
    private void assertNothingLeftAndStillUploadable(Owned video) {
        Await.until("media-svc has removed every trace of the upload", () -> files.onDisk(video.id()).isEmpty());
        byte[] good = TestVideos.mp4(300_000, video.id());
        Answer answer = files.upload(video.session(), video.vid(), good);
        expect(answer, 200, "ok");
        assertThat(answer.body().get("sha256").asText()).isEqualTo(TestVideos.sha256(good));
        assertThat(files.onDisk(video.id())).hasSize(2);
    }

    @Test
    void anUploadAnswersVidSizeAndHashAndReplacesTheFile() {
        Owned video = ownedVideo("up_ok");
        byte[] first = TestVideos.mp4(LIMIT, 1);
        Answer answer = files.upload(video.session(), video.vid(), first);
        expect(answer, 200, "ok");
        assertThat(answer.body().get("vid").asLong()).isEqualTo(video.id());
        assertThat(answer.body().get("size").asLong()).isEqualTo(LIMIT);
        assertThat(answer.body().get("sha256").asText()).isEqualTo(TestVideos.sha256(first));

        byte[] second = TestVideos.mp4(200_000, 2);
        expect(files.upload(video.session(), video.vid(), second), 200, "ok");
        assertThat(TestVideos.sha256(files.get(video.vid()).content().array())).isEqualTo(TestVideos.sha256(second));
        assertThat(files.onDisk(video.id())).containsExactly(video.vid(), video.vid() + "." +
                                                             TestVideos.sha256(second) + ".mp4");
        assertThat(rest.get("/api/videos/" + video.vid()).body().get("video").get("sha256").asText())
                .isEqualTo(TestVideos.sha256(second));
    }

    @Test
    void aMultipartFileFieldIsUploaded() {
        Owned video = ownedVideo("up_multipart");
        byte[] bytes = TestVideos.mp4(500_000, 3);
        Answer answer = files.uploadMultipart(video.session(), video.vid(), "file", bytes);
        expect(answer, 200, "ok");
        assertThat(answer.body().get("sha256").asText()).isEqualTo(TestVideos.sha256(bytes));
        assertThat(files.get(video.vid()).content().array()).isEqualTo(bytes);
    }

    @Test
    void aMultipartBodyWithoutTheFileFieldIs400() {
        Owned video = ownedVideo("up_nofield");
        expect(files.uploadMultipart(video.session(), video.vid(), "video", TestVideos.mp4(1000, 4)), 400,
               "MISSING_FIELD");
        assertNothingLeftAndStillUploadable(video);
    }

    @Test
    void overTheSizeLimitIs413() {
        Owned video = ownedVideo("up_large");
        expect(files.upload(video.session(), video.vid(), TestVideos.mp4(LIMIT + 1, 5)), 413, "PAYLOAD_TOO_LARGE");
        assertNothingLeftAndStillUploadable(video);
    }

    @Test
    void overTheSizeLimitWithoutContentLengthIs413WhileStreaming() {
        Owned video = ownedVideo("up_large_chunked");
        Answer answer = files.uploadChunked(video.session(), video.vid(), TestVideos.mp4(3 * LIMIT, 6), 64 * 1024);
        expect(answer, 413, "PAYLOAD_TOO_LARGE");
        assertNothingLeftAndStillUploadable(video);
    }

    @Test
    void aDeclaredSizeOverTheLimitIsRefusedBeforeTheBody() throws IOException {
        Owned video = ownedVideo("up_declared");
        try (Socket socket = new Socket("127.0.0.1", mesh.gatewayPort())) {
            socket.setSoTimeout(5000);
            // Headers only: the 413 must come without the gateway waiting for 100 MB.
            socket.getOutputStream().write(headers(video, 100_000_000));
            assertThat(RawHttp.line(socket.getInputStream())).startsWith("HTTP/1.1 413");
        }
        assertNothingLeftAndStillUploadable(video);
    }

    /** curl sends {@code Expect: 100-continue} before any large body; the upload must not wait for an idle timeout. */
    @Test
    void aClientThatExpects100ContinueIsToldToSendAndIsStored() throws IOException {
        Owned video = ownedVideo("up_expect");
        byte[] body = TestVideos.mp4(300_000, video.id());
        for (int port : new int[] { mesh.gatewayPort(), mesh.filesPort() }) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write(headers(video, body.length, "Expect: 100-continue\r\n"));
                InputStream in = socket.getInputStream();
                assertThat(RawHttp.line(in)).as("port %d", port).startsWith("HTTP/1.1 100");
                assertThat(RawHttp.line(in)).isEmpty();
                socket.getOutputStream().write(body);
                assertThat(RawHttp.line(in)).as("port %d", port).startsWith("HTTP/1.1 200");
            }
        }
        assertThat(files.get(video.vid()).contentUtf8().length()).isPositive();
    }

    @Test
    void aRefusedUploadIsNeverToldToSendItsBody() throws IOException {
        Owned video = ownedVideo("up_expect_owner");
        Owned stranger = new Owned(rest.register("up_expect_stranger"), video.id());
        try (Socket socket = new Socket("127.0.0.1", mesh.filesPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(headers(stranger, 100_000_000, "Expect: 100-continue\r\n"));
            // The final answer comes first: no 100 Continue for an upload that is not let in.
            assertThat(RawHttp.line(socket.getInputStream())).startsWith("HTTP/1.1 403");
        }
        assertNothingLeftAndStillUploadable(video);
    }

    @Test
    void anotherExpectationIs417() throws IOException {
        Owned video = ownedVideo("up_expect_other");
        try (Socket socket = new Socket("127.0.0.1", mesh.filesPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(headers(video, 1000, "Expect: the-unexpected\r\n"));
            assertThat(RawHttp.line(socket.getInputStream())).startsWith("HTTP/1.1 417");
        }
        assertNothingLeftAndStillUploadable(video);
    }

    @Test
    void contentThatIsNotAVideoIs415() {
        Owned video = ownedVideo("up_text");
        byte[] html = "<html><body>not a video</body></html>\n".repeat(2000).getBytes(StandardCharsets.UTF_8);
        expect(files.upload(video.session(), video.vid(), html), 415, "UNSUPPORTED_MEDIA_TYPE");
        expect(files.upload(video.session(), video.vid(), Arrays.copyOf(html, 10)), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertNothingLeftAndStillUploadable(video);
    }

    @Test
    void anEmptyBodyIs400() {
        Owned video = ownedVideo("up_empty");
        expect(files.upload(video.session(), video.vid(), new byte[0]), 400, "INVALID_REQUEST");
        assertNothingLeftAndStillUploadable(video);
    }

    @Test
    void aClientThatAbortsHalfwayLeavesNothing() throws IOException {
        Owned video = ownedVideo("up_abort");
        byte[] bytes = TestVideos.mp4(900_000, 7);
        try (Socket socket = new Socket("127.0.0.1", mesh.gatewayPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(headers(video, bytes.length));
            out.write(bytes, 0, bytes.length / 2);
            out.flush();
            Await.until("media-svc writes the upload's first half",
                        () -> files.onDisk(video.id()).stream().anyMatch(name -> name.endsWith(".upload")));
        }
        assertNothingLeftAndStillUploadable(video);
        assertThat(rest.get("/api/videos/" + video.vid()).body().get("video").get("state").asText())
                .isEqualTo("ready");
    }

    @Test
    void anotherUsersVideoIs403AndAnAdminMayUpload() {
        Owned video = ownedVideo("up_owner");
        String other = rest.register("up_other");
        expect(files.upload(other, video.vid(), TestVideos.mp4(10_000, 8)), 403, "PERMISSION_DENIED");
        assertNothingLeftAndStillUploadable(video);
        String admin = rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
        expect(files.upload(admin, video.vid(), TestVideos.mp4(10_000, 9)), 200, "ok");
    }

    @Test
    void noSessionIs401() {
        Owned video = ownedVideo("up_anonymous");
        expect(files.upload(null, video.vid(), TestVideos.mp4(10_000, 10)), 401, "UNAUTHENTICATED");
        expect(files.upload("not-a-session", video.vid(), TestVideos.mp4(10_000, 10)), 401, "UNAUTHENTICATED");
        assertNothingLeftAndStillUploadable(video);
    }

    @Test
    void anUnknownOrDeletedVideoIs404() {
        Owned video = ownedVideo("up_unknown");
        expect(files.upload(video.session(), "987654321", TestVideos.mp4(10_000, 11)), 404, "VIDEO_NOT_FOUND");
        assertThat(files.onDisk(987654321)).isEmpty();
        Owned deleted = ownedVideo("up_deleted");
        rest.delete("/api/videos/" + deleted.vid(), "X-Session-Id", deleted.session()).expect(204);
        expect(files.upload(deleted.session(), deleted.vid(), TestVideos.mp4(10_000, 12)), 404, "VIDEO_NOT_FOUND");
        assertThat(files.onDisk(deleted.id())).isEmpty();
        assertNothingLeftAndStillUploadable(video);
    }

    @Test
    void aTraversalIdIs400AndTouchesNothing() throws IOException {
        Owned video = ownedVideo("up_traversal");
        var before = files.allOnDisk();
        for (String id : new String[] { "..%2F..%2Fetc%2Fpasswd", "..", "1%2F..%2F2", "0", "-1", "1.mp4" }) {
            // No body: the id is refused before any byte would be read.
            Answer answer = files.upload(video.session(), id, new byte[0]);
            assertThat(answer.status() + " " + answer.code()).as(id).isEqualTo("400 INVALID_ID");
        }
        try (Socket socket = new Socket("127.0.0.1", mesh.gatewayPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("POST /upload/videos/..%2F..%2Fetc%2Fpasswd HTTP/1.1\r\nHost: t\r\n" +
                                            "X-Session-Id: " + video.session() + "\r\nContent-Length: 0\r\n" +
                                            "Connection: close\r\n\r\n")
                                                   .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(RawHttp.line(in)).startsWith("HTTP/1.1 400");
            assertThat(new String(in.readNBytes(2000), StandardCharsets.UTF_8)).contains("INVALID_ID");
        }
        assertThat(files.allOnDisk()).isEqualTo(before);
        assertNothingLeftAndStillUploadable(video);
    }

    private static byte[] headers(Owned video, long contentLength) {
        return headers(video, contentLength, "");
    }

    private static byte[] headers(Owned video, long contentLength, String extraHeaders) {
        return ("POST /upload/videos/" + video.vid() + " HTTP/1.1\r\nHost: test\r\nX-Session-Id: " + video.session() +
                "\r\nContent-Type: video/mp4\r\nContent-Length: " + contentLength + "\r\n" + extraHeaders + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
