package io.mediamesh.media.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.grpc.GrpcClients;
import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.DeleteVideoFileRequest;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.StatVideoFileRequest;
import io.mediamesh.api.v1.VideoFileStat;
import io.mediamesh.api.v1.VideoFileServiceGrpc.VideoFileServiceBlockingStub;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.time.Times;
import io.mediamesh.media.MediaSvcFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** VideoFileService over real gRPC on loopback, with files on a real folder. */
class VideoFileGrpcServiceTest {
    @RegisterExtension
    static final MediaSvcFixture server = new MediaSvcFixture();

    private static VideoFileServiceBlockingStub stub(String header, String value) {
        var builder = GrpcClients.builder(server.httpUri()).responseTimeout(Duration.ofSeconds(10));
        if (header != null) {
            builder.setHeader(header, value);
        }
        return builder.build(VideoFileServiceBlockingStub.class);
    }

    private final VideoFileServiceBlockingStub anonymous = stub(null, null);
    private final VideoFileServiceBlockingStub asService = stub(Callers.SERVICE_TOKEN_HEADER,
                                                                MediaSvcFixture.SERVICE_TOKEN);

    static StoredVideoFile put(long videoId, byte[] bytes) {
        try (VideoFileUpload upload = server.store().startUpload(videoId, Long.MAX_VALUE)) {
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
    void deleteNeedsTheServiceTokenOrAnAdmin() throws IOException {
        put(104, TestVideos.mp4(10_000, 24));
        DeleteVideoFileRequest request = DeleteVideoFileRequest.newBuilder().setVideoId(104).build();

        assertFails(() -> anonymous.deleteVideoFile(request), ErrorCode.UNAUTHENTICATED);
        assertFails(() -> stub(Callers.SERVICE_TOKEN_HEADER, "wrong-token").deleteVideoFile(request),
                    ErrorCode.UNAUTHENTICATED);
        assertThat(onDisk(104)).isTrue();
    }
}
