package io.mediamesh.media.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.DeleteVideoFileRequest;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.ReadVideoFileHeader;
import io.mediamesh.api.v1.ReadVideoFileRequest;
import io.mediamesh.api.v1.ReadVideoFileResponse;
import io.mediamesh.api.v1.StatVideoFileRequest;
import io.mediamesh.api.v1.VideoFileServiceGrpc.VideoFileServiceBlockingStub;
import io.mediamesh.api.v1.VideoFileStat;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.testing.Strangers;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.time.Times;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.media.MediaSvcFixture;
import io.mediamesh.media.testing.TestVideos;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** VideoFileService over real gRPC on loopback, with files on a real folder. */
class VideoFileGrpcServiceTest {
    @RegisterExtension
    static final MediaSvcFixture server = new MediaSvcFixture();

    private static final MeshTls SCHEDULER = TestMeshCa.tls(Identity.SCHEDULER_SVC);
    private static final MeshTls GATEWAY = TestMeshCa.tls(Identity.GATEWAY);
    private static final MeshTls AGENT = TestMeshCa.tls(Identity.agent("edge-1"));

    private static VideoFileServiceBlockingStub stub(MeshTls as) {
        return TestMeshCa.grpc(as, server.httpPort()).responseTimeout(Duration.ofSeconds(10))
                         .build(VideoFileServiceBlockingStub.class);
    }

    @AfterAll
    static void closeClients() {
        SCHEDULER.close();
        GATEWAY.close();
        AGENT.close();
    }

    private final VideoFileServiceBlockingStub anonymous = stub(TestMeshCa.operator());
    private final VideoFileServiceBlockingStub asService = stub(SCHEDULER);

    static StoredVideoFile put(long videoId, byte[] bytes) {
        try (VideoFileUpload upload = server.store().startUpload(videoId, SizeLimit.of(Long.MAX_VALUE))) {
            upload.write(ByteString.copyFrom(bytes));
            return server.store().commit(upload, file -> { });
        }
    }

    static void assertFails(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(
                StatusRuntimeException.class, e -> assertThat(ErrorCatalog.reasonOf(e)).contains(code));
    }

    private static boolean onDisk(long videoId) throws IOException {
        try (Stream<Path> entries = Files.list(server.root())) {
            return entries.anyMatch(p -> p.getFileName().toString().startsWith(videoId + "."));
        }
    }

    @Test
    void statDescribesTheStoredFile() {
        Instant before = Instant.now().minusSeconds(1);
        byte[] bytes = TestVideos.mp4(70_000, 21);
        put(101, bytes);

        VideoFileStat stat = anonymous.statVideoFile(StatVideoFileRequest.newBuilder().setVideoId(101).build())
                                      .getStat();
        assertThat(stat.getVideoId()).isEqualTo(101);
        assertThat(stat.getSize()).isEqualTo(bytes.length);
        assertThat(stat.getSha256()).isEqualTo(TestVideos.sha256(bytes));
        assertThat(stat.getEtag()).isEqualTo('"' + TestVideos.sha256(bytes) + '"');
        assertThat(stat.getContentType()).isEqualTo("video/mp4");
        assertThat(Times.fromProto(stat.getModifiedAt())).isBetween(before, Instant.now().plusSeconds(1));
    }

    @Test
    void statOfAMissingFileOrABadIdFails() {
        assertFails(() -> anonymous.statVideoFile(StatVideoFileRequest.newBuilder().setVideoId(102).build()),
                    ErrorCode.VIDEO_FILE_NOT_FOUND);
        for (long id : new long[] { 0, -1 }) {
            assertFails(() -> anonymous.statVideoFile(StatVideoFileRequest.newBuilder().setVideoId(id).build()),
                        ErrorCode.INVALID_ID);
        }
    }

    /** Reads a stream whole: its header, then the bytes of its chunks. */
    private record Read(ReadVideoFileHeader header, byte[] bytes, int chunks) {}

    private Read read(ReadVideoFileRequest request) {
        Iterator<ReadVideoFileResponse> stream = anonymous.readVideoFile(request);
        ReadVideoFileResponse first = stream.next();
        assertThat(first.hasHeader()).isTrue();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int chunks = 0;
        while (stream.hasNext()) {
            ReadVideoFileResponse next = stream.next();
            assertThat(next.getChunk().size()).isBetween(1, FileSettings.MAX_CHUNK);
            bytes.writeBytes(next.getChunk().toByteArray());
            chunks++;
        }
        return new Read(first.getHeader(), bytes.toByteArray(), chunks);
    }

    private static ReadVideoFileRequest.Builder readOf(long videoId) {
        return ReadVideoFileRequest.newBuilder().setVideoId(videoId);
    }

    @Test
    void readsTheWholeFileOrARange() {
        byte[] bytes = TestVideos.mp4(1_000_000, 31);
        StoredVideoFile stored = put(111, bytes);

        Read whole = read(readOf(111).build());
        assertThat(whole.bytes()).isEqualTo(bytes);
        assertThat(whole.chunks()).isGreaterThan(1);
        assertThat(whole.header().getOffset()).isZero();
        assertThat(whole.header().getLength()).isEqualTo(bytes.length);
        assertThat(whole.header().getStat().getEtag()).isEqualTo(stored.etag());
        assertThat(whole.header().getRangeIgnored()).isFalse();

        Read middle = read(readOf(111).setOffset(1000).setLength(300_000).build());
        assertThat(middle.bytes()).isEqualTo(Arrays.copyOfRange(bytes, 1000, 301_000));
        assertThat(middle.header().getOffset()).isEqualTo(1000);
        assertThat(middle.header().getLength()).isEqualTo(300_000);

        Read first = read(readOf(111).setOffset(0).setLength(1).build());
        assertThat(first.bytes()).containsExactly(bytes[0]);

        Read toTheEnd = read(readOf(111).setOffset(999_000).build());
        assertThat(toTheEnd.bytes()).isEqualTo(Arrays.copyOfRange(bytes, 999_000, 1_000_000));

        Read cut = read(readOf(111).setOffset(999_990).setLength(1000).build());
        assertThat(cut.bytes()).isEqualTo(Arrays.copyOfRange(bytes, 999_990, 1_000_000));

        Read suffix = read(readOf(111).setSuffixLength(500).build());
        assertThat(suffix.bytes()).isEqualTo(Arrays.copyOfRange(bytes, 999_500, 1_000_000));
        assertThat(suffix.header().getOffset()).isEqualTo(999_500);

        Read longSuffix = read(readOf(111).setSuffixLength(5_000_000).build());
        assertThat(longSuffix.bytes()).isEqualTo(bytes);
    }

    @Test
    void ifRangeWithAStaleEtagSendsTheWholeFile() {
        byte[] bytes = TestVideos.mp4(10_000, 32);
        StoredVideoFile stored = put(112, bytes);

        Read matching = read(readOf(112).setOffset(100).setLength(10).setIfRange(stored.etag()).build());
        assertThat(matching.header().getRangeIgnored()).isFalse();
        assertThat(matching.bytes()).isEqualTo(Arrays.copyOfRange(bytes, 100, 110));

        Read stale = read(readOf(112).setOffset(100).setLength(10).setIfRange("\"0123\"").build());
        assertThat(stale.header().getRangeIgnored()).isTrue();
        assertThat(stale.bytes()).isEqualTo(bytes);
    }

    @Test
    void aRangePastTheEndIsUnsatisfiableAndNamesTheSize() {
        put(113, TestVideos.mp4(10_000, 33));
        assertThatThrownBy(() -> read(readOf(113).setOffset(10_000).build())).isInstanceOfSatisfying(
                StatusRuntimeException.class, e -> {
                    assertThat(ErrorCatalog.reasonOf(e)).contains(ErrorCode.RANGE_NOT_SATISFIABLE);
                    assertThat(ErrorCatalog.errorInfoOf(e).orElseThrow().getMetadataMap())
                            .containsEntry(io.mediamesh.media.playback.FileSlice.SIZE_METADATA, "10000");
                });
    }

    @Test
    void badReadRequestsAreRefused() {
        put(114, TestVideos.mp4(10_000, 34));
        assertFails(() -> read(readOf(114).setOffset(-1).build()), ErrorCode.INVALID_REQUEST);
        assertFails(() -> read(readOf(114).setLength(-1).build()), ErrorCode.INVALID_REQUEST);
        assertFails(() -> read(readOf(114).setSuffixLength(10).setOffset(1).build()), ErrorCode.INVALID_REQUEST);
        assertFails(() -> read(readOf(0).build()), ErrorCode.INVALID_ID);
        assertFails(() -> read(readOf(115).build()), ErrorCode.VIDEO_FILE_NOT_FOUND);
    }

    @Test
    void anotherServiceDeletesIdempotently() throws IOException {
        put(103, TestVideos.mp4(10_000, 23));
        DeleteVideoFileRequest request = DeleteVideoFileRequest.newBuilder().setVideoId(103).build();

        assertThat(asService.deleteVideoFile(request).getExisted()).isTrue();
        assertThat(onDisk(103)).isFalse();
        assertThat(asService.deleteVideoFile(request).getExisted()).isFalse();
        assertFails(() -> anonymous.statVideoFile(StatVideoFileRequest.newBuilder().setVideoId(103).build()),
                    ErrorCode.VIDEO_FILE_NOT_FOUND);
        assertFails(() -> asService.deleteVideoFile(DeleteVideoFileRequest.newBuilder().setVideoId(0).build()),
                    ErrorCode.INVALID_ID);
    }

    @Test
    void onlySchedulerSvcDeletesFiles() throws IOException {
        put(104, TestVideos.mp4(10_000, 24));
        DeleteVideoFileRequest request = DeleteVideoFileRequest.newBuilder().setVideoId(104).build();

        // Another identity of the mesh: refused by the method, named in the refusal.
        assertThatThrownBy(() -> stub(GATEWAY).deleteVideoFile(request))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                    assertThat(e.getStatus().getDescription()).contains("gateway").contains("scheduler-svc");
                });
        assertFails(() -> anonymous.deleteVideoFile(request), ErrorCode.PERMISSION_DENIED);
        // An agent's certificate is the mesh's, but no service's port admits it.
        assertThatThrownBy(() -> stub(AGENT).deleteVideoFile(request))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                    assertThat(e.getStatus().getDescription()).contains("agent/edge-1");
                });
        try (Strangers strangers = new Strangers(Identity.SCHEDULER_SVC)) {
            strangers.stubs(server.httpPort(), VideoFileServiceBlockingStub.class).forEach(
                    (who, stranger) -> assertThatThrownBy(() -> stranger.deleteVideoFile(request)).as(who)
                                                                                                 .isInstanceOf(StatusRuntimeException.class));
        }
        assertThat(onDisk(104)).isTrue();

        assertThat(asService.deleteVideoFile(request).getExisted()).isTrue();
        assertThat(onDisk(104)).isFalse();
    }
}
