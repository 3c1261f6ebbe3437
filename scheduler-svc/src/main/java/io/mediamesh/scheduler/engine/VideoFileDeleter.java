package io.mediamesh.scheduler.engine;

import io.mediamesh.api.v1.DeleteVideoFileRequest;
import io.mediamesh.api.v1.VideoFileServiceGrpc.VideoFileServiceBlockingStub;

/** The work of a deletion task: media-svc's DeleteVideoFile, called as this service (its certificate). */
public final class VideoFileDeleter {
    private final VideoFileServiceBlockingStub files;

    public VideoFileDeleter(VideoFileServiceBlockingStub files) {
        this.files = files;
    }

    /**
     * Deletes the file of {@code videoId}; idempotent, so a run repeated after a lost lease is harmless.
     *
     * @return whether there was a file to delete
     * @throws io.grpc.StatusRuntimeException if media-svc failed, is down or missed the deadline
     */
    boolean delete(long videoId) {
        return files.deleteVideoFile(DeleteVideoFileRequest.newBuilder().setVideoId(videoId).build()).getExisted();
    }
}
