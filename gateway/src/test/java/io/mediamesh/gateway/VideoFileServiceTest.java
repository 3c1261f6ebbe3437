package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.DeleteVideoFileRequest;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.UploadVideoFileMetadata;
import io.mediamesh.api.v1.UploadVideoFileRequest;
import io.mediamesh.api.v1.UploadVideoFileResponse;
import io.mediamesh.api.v1.VideoFileServiceGrpc.VideoFileServiceBlockingStub;
import io.mediamesh.api.v1.VideoFileServiceGrpc.VideoFileServiceStub;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.testing.Await;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.gateway.testing.FileTransfers;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.media.testing.TestVideos;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * media-svc's VideoFileService called directly over gRPC, with the real user-svc behind it: the
 * upload protocol's own rules, and deletion by an admin's session.
 */
class VideoFileServiceTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh();

    private final Rest rest = mesh.rest();
    private final FileTransfers files = new FileTransfers(mesh);

    private static <T> T stub(Class<T> type, String session) {
        return TestMeshCa.grpc(mesh.mediaSvcPort()).responseTimeout(Duration.ofSeconds(10))
                          .setHeader(Callers.SESSION_HEADER, session).build(type);
    }

    /** Sends {@code messages} as one upload stream and waits for its answer. */
    private static UploadVideoFileResponse upload(String session, List<UploadVideoFileRequest> messages) {
        CompletableFuture<UploadVideoFileResponse> answer = new CompletableFuture<>();
        StreamObserver<UploadVideoFileRequest> requests = stub(VideoFileServiceStub.class, session).uploadVideoFile(
                new StreamObserver<>() {
                    @Override
                    public void onNext(UploadVideoFileResponse value) {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        // The answer came with onNext.
                    }
                });
        messages.forEach(requests::onNext);
        requests.onCompleted();
        return answer.join();
    }

    private static UploadVideoFileRequest metadata(long videoId, Long declaredSize) {
        UploadVideoFileMetadata.Builder metadata = UploadVideoFileMetadata.newBuilder().setVideoId(videoId);
        if (declaredSize != null) {
            metadata.setDeclaredSize(declaredSize);
        }
        return UploadVideoFileRequest.newBuilder().setMetadata(metadata).build();
    }

    private static UploadVideoFileRequest chunk(byte[] bytes, int from, int to) {
        return UploadVideoFileRequest.newBuilder().setChunk(ByteString.copyFrom(bytes, from, to - from)).build();
    }

    private static void assertRefused(Runnable call, ErrorCode code) {
        assertThatThrownBy(call::run).hasCauseInstanceOf(StatusRuntimeException.class)
                                     .satisfies(e -> assertThat(ErrorCatalog.reasonOf(e.getCause())).contains(code));
    }

    @Test
    void anUploadInManyChunksIsStoredWhole() {
        String session = rest.register("grpc_chunks");
        long video = rest.createVideo(session, "grpc_chunks", "chunks");
        byte[] bytes = TestVideos.mp4(200_000, 51);
        UploadVideoFileResponse response = upload(session, List.of(
                metadata(video, 200_000L), chunk(bytes, 0, 3), chunk(bytes, 3, 10), chunk(bytes, 10, 200_000)));
        assertThat(response.getStat().getSha256()).isEqualTo(TestVideos.sha256(bytes));
        assertThat(response.getStat().getSize()).isEqualTo(200_000);
        assertThat(files.get(Long.toString(video)).content().array()).isEqualTo(bytes);
    }

    @Test
    void theProtocolIsEnforcedAndNothingIsKept() {
        String session = rest.register("grpc_protocol");
        long video = rest.createVideo(session, "grpc_protocol", "protocol");
        byte[] bytes = TestVideos.mp4(50_000, 52);

        assertRefused(() -> upload(session, List.of(chunk(bytes, 0, 100))), ErrorCode.INVALID_REQUEST);
        assertRefused(() -> upload(session, List.of(metadata(video, null), metadata(video, null))),
                      ErrorCode.INVALID_REQUEST);
        assertRefused(() -> upload(session, List.of(metadata(video, 60_000L), chunk(bytes, 0, 50_000))),
                      ErrorCode.INVALID_REQUEST);
        assertRefused(() -> upload(session, List.of(metadata(video, -1L))), ErrorCode.INVALID_REQUEST);
        assertRefused(() -> upload(session, List.of(metadata(video, null))), ErrorCode.INVALID_REQUEST);
        assertRefused(() -> upload(session, List.of()), ErrorCode.INVALID_REQUEST);
        assertRefused(() -> upload(session, List.of(metadata(0, null), chunk(bytes, 0, 100))), ErrorCode.INVALID_ID);
        Await.until("nothing of the refused uploads is left", () -> files.onDisk(video).isEmpty());
        assertThat(rest.get("/api/videos/" + video).body().get("video").get("state").asText()).isEqualTo("pending");
    }

    @Test
    void onlySchedulerSvcDeletesAFileNotAUsersNorAnAdminsSession() {
        String session = rest.register("grpc_delete");
        long video = rest.createVideo(session, "grpc_delete", "delete");
        upload(session, List.of(metadata(video, null), chunk(TestVideos.mp4(10_000, 53), 0, 10_000)));
        DeleteVideoFileRequest request = DeleteVideoFileRequest.newBuilder().setVideoId(video).build();

        assertThatThrownBy(() -> stub(VideoFileServiceBlockingStub.class, session).deleteVideoFile(request))
                .satisfies(e -> assertThat(ErrorCatalog.reasonOf(e)).contains(ErrorCode.PERMISSION_DENIED));
        assertThat(files.onDisk(video)).hasSize(2);

        // Files go only through the scheduler's deletion tasks: an admin deletes the video instead.
        String admin = rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
        assertThatThrownBy(() -> stub(VideoFileServiceBlockingStub.class, admin).deleteVideoFile(request))
                .satisfies(e -> assertThat(ErrorCatalog.reasonOf(e)).contains(ErrorCode.PERMISSION_DENIED));
        assertThat(files.onDisk(video)).hasSize(2);

        try (MeshTls scheduler = TestMeshCa.tls(Identity.SCHEDULER_SVC)) {
            assertThat(TestMeshCa.grpc(scheduler, mesh.mediaSvcPort()).build(VideoFileServiceBlockingStub.class)
                                 .deleteVideoFile(request).getExisted()).isTrue();
        }
        assertThat(files.onDisk(video)).isEmpty();
        assertThat(files.get(Long.toString(video)).status().code()).isEqualTo(404);
    }
}
