package io.mediamesh.gateway;

import io.mediamesh.api.v1.VideoFileServiceGrpc.VideoFileServiceFutureStub;
import io.mediamesh.api.v1.VideoFileServiceGrpc.VideoFileServiceStub;
import io.mediamesh.common.client.GrpcClientFactory;

/**
 * The stubs of media-svc's services. Streams use the async stub, whose calls the file routes
 * drive by hand (flow control) and keep alive while they make progress.
 */
public record MediaSvcClients(VideoFileServiceStub files, VideoFileServiceFutureStub filesFuture) {
    /** A file chunk (at most 1 MiB, files.proto) with room for its framing. */
    private static final int MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

    public static MediaSvcClients create(GrpcClientFactory factory, String endpoint) {
        return new MediaSvcClients(factory.newStreamingStub(endpoint, VideoFileServiceStub.class, MAX_MESSAGE_BYTES),
                                   factory.newStub(endpoint, VideoFileServiceFutureStub.class));
    }
}
