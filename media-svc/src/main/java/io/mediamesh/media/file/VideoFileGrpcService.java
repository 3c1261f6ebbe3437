package io.mediamesh.media.file;

import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.DeleteVideoFileRequest;
import io.mediamesh.api.v1.DeleteVideoFileResponse;
import io.mediamesh.api.v1.StatVideoFileRequest;
import io.mediamesh.api.v1.StatVideoFileResponse;
import io.mediamesh.api.v1.VideoFileServiceGrpc;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.validation.Text;

/** VideoFileService over gRPC. Runs on the blocking executor, as file I/O blocks. */
public final class VideoFileGrpcService extends VideoFileServiceGrpc.VideoFileServiceImplBase {
    private final VideoFileStore store;
    private final Callers callers;

    public VideoFileGrpcService(VideoFileStore store, Callers callers) {
        this.store = store;
        this.callers = callers;
    }

    @Override
    public void statVideoFile(StatVideoFileRequest request, StreamObserver<StatVideoFileResponse> response) {
        long videoId = Text.checkId(request.getVideoId(), "video id");
        StoredVideoFile file = store.stat(videoId).orElseThrow(() -> VideoFileStore.notFound(videoId));
        response.onNext(StatVideoFileResponse.newBuilder().setStat(file.toProto()).build());
        response.onCompleted();
    }

    @Override
    public void deleteVideoFile(DeleteVideoFileRequest request, StreamObserver<DeleteVideoFileResponse> response) {
        callers.requireServiceOrAdmin();
        long videoId = Text.checkId(request.getVideoId(), "video id");
        response.onNext(DeleteVideoFileResponse.newBuilder().setExisted(store.delete(videoId)).build());
        response.onCompleted();
    }
}
