package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.common.testing.Await;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.gateway.testing.FileTransfers;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.RawHttp;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.media.testing.TestVideos;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The token pools of media-svc's file server, with clients that stall: tokens are held for as long
 * as a transfer is in flight, refused with 429 when none is free, and come back when clients go
 * away. The file is far larger than what socket buffers can absorb, so a client that stops reading
 * really keeps its download in flight. (Every client here is 127.0.0.1: the share per client is the
 * whole pool; SlowReadersTest covers shares.)
 */
class LimiterTest {
    private static final int STREAM_TOKENS = 2;

    @RegisterExtension
    static final Mesh mesh = new Mesh().with("mediamesh.media-svc.file-server.limiter.stream-tokens", STREAM_TOKENS)
                                       .with("mediamesh.media-svc.file-server.limiter.upload-tokens", 1)
                                       .with("mediamesh.media-svc.file-server.limiter.client-share", 1.0);

    private static final byte[] VIDEO = TestVideos.mp4(48 * 1024 * 1024, 77);
    private static String session;
    private static String vid;

    private final FileTransfers files = new FileTransfers(mesh);

    @BeforeAll
    static void uploadALargeVideo() {
        Rest rest = mesh.rest();
        session = rest.register("limiter_owner");
        vid = Long.toString(rest.createVideo(session, "limiter_owner", "large"));
        FileTransfers.Answer answer = new FileTransfers(mesh).upload(session, vid, VIDEO);
        assertThat(answer.status()).as("upload: %s", answer.body()).isEqualTo(200);
    }

    @Test
    void nPlusOneStalledDownloadsGiveExactlyOne429AndAbortsReturnTheTokens() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i <= STREAM_TOKENS; i++) {
                Socket socket = new Socket("127.0.0.1", mesh.filesPort());
                socket.setSoTimeout(10_000);
                socket.setReceiveBufferSize(16 * 1024);
                clients.add(socket);
            }
            // All at once, then read no body: each answered download stays in flight.
            for (Socket socket : clients) {
                socket.getOutputStream().write(("GET /stream/videos/" + vid + " HTTP/1.1\r\nHost: test\r\n\r\n")
                                                       .getBytes(StandardCharsets.US_ASCII));
            }
            List<String> heads = new ArrayList<>();
            for (Socket socket : clients) {
                heads.add(RawHttp.head(socket.getInputStream()));
            }
            assertThat(heads).filteredOn(h -> h.startsWith("HTTP/1.1 200")).hasSize(STREAM_TOKENS);
            List<String> refused = heads.stream().filter(h -> h.startsWith("HTTP/1.1 429")).toList();
            assertThat(refused).hasSize(1);
            assertThat(refused.get(0).toLowerCase()).contains("retry-after: 1");
            Socket refusedClient = clients.get(heads.indexOf(refused.get(0)));
            assertThat(new String(refusedClient.getInputStream().readNBytes(60), StandardCharsets.UTF_8))
                    .contains("TOO_MANY_REQUESTS");
            assertThat(tokensInUse("stream")).isEqualTo(STREAM_TOKENS);
        } finally {
            for (Socket socket : clients) {
                socket.close();
            }
        }
        Await.until("every stream token is back", () -> tokensInUse("stream") == 0);
        // And they are usable: N downloads at once all succeed, byte for byte.
        List<CompletableFuture<byte[]>> downloads = new ArrayList<>();
        for (int i = 0; i < STREAM_TOKENS; i++) {
            downloads.add(CompletableFuture.supplyAsync(() -> files.get(vid).content().array()));
        }
        for (CompletableFuture<byte[]> download : downloads) {
            assertThat(TestVideos.sha256(download.join())).isEqualTo(TestVideos.sha256(VIDEO));
        }
        assertThat(tokensInUse("stream")).isZero();
    }

    @Test
    void aStalledDownloadHoldsUpNoOtherDownload() throws Exception {
        try (Socket stalled = new Socket("127.0.0.1", mesh.filesPort())) {
            stalled.setReceiveBufferSize(16 * 1024);
            stalled.setSoTimeout(10_000);
            stalled.getOutputStream().write(("GET /stream/videos/" + vid + " HTTP/1.1\r\nHost: test\r\n\r\n")
                                                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(RawHttp.head(stalled.getInputStream())).startsWith("HTTP/1.1 200");
            InputStream in = stalled.getInputStream();
            int[] seen = { -1 };
            Await.until("the stalled download fills the buffers it can", () -> {
                int buffered = available(in);
                boolean settled = buffered > 0 && buffered == seen[0];
                seen[0] = buffered;
                return settled;
            });
            CompletableFuture<byte[]> other = CompletableFuture.supplyAsync(() -> files.get(vid).content().array());
            assertThat(TestVideos.sha256(other.get(30, TimeUnit.SECONDS))).isEqualTo(TestVideos.sha256(VIDEO));
        }
    }

    @Test
    void aStalledUploadHoldsTheOnlyUploadTokenUntilItsClientGoesAway() throws Exception {
        String other = mesh.rest().register("limiter_uploader");
        String otherVid = Long.toString(mesh.rest().createVideo(other, "limiter_uploader", "small"));
        byte[] small = TestVideos.mp4(100_000, 78);
        try (Socket stalled = new Socket("127.0.0.1", mesh.gatewayPort())) {
            stalled.getOutputStream().write(("POST /upload/videos/" + otherVid + " HTTP/1.1\r\nHost: test\r\n" +
                                             "X-Session-Id: " + other + "\r\nContent-Length: 1000000\r\n\r\n")
                                                    .getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().write(small, 0, 50_000);
            Await.until("the stalled upload holds the token", () -> tokensInUse("upload") == 1);
            FileTransfers.Answer refused = files.upload(other, otherVid, small);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.code()).isEqualTo("TOO_MANY_REQUESTS");
        }
        Await.until("the upload token is back", () -> tokensInUse("upload") == 0);
        assertThat(files.upload(other, otherVid, small).status()).isEqualTo(200);
    }

    /** The pool's gauge as media-svc's /metrics shows it. */
    private static int tokensInUse(String pool) {
        String metrics = TestMeshCa.web(mesh.mediaSvcPort()).get("/metrics").contentUtf8();
        Matcher matcher = Pattern.compile("^mediamesh_files_tokens_in_use\\{pool=\"" + pool +
                                          "\"[^}]*} ([0-9.]+)$", Pattern.MULTILINE).matcher(metrics);
        assertThat(matcher.find()).as("gauge in %s", metrics).isTrue();
        return (int) Double.parseDouble(matcher.group(1));
    }

    private static int available(InputStream in) {
        try {
            return in.available();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
