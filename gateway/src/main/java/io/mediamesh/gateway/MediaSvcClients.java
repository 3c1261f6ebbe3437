package io.mediamesh.gateway;

import io.mediamesh.api.v1.MediaUsageServiceGrpc.MediaUsageServiceFutureStub;
import io.mediamesh.api.v1.StreamServiceGrpc.StreamServiceFutureStub;
import io.mediamesh.api.v1.TextRoomServiceGrpc.TextRoomServiceFutureStub;
import io.mediamesh.api.v1.VideoRoomServiceGrpc.VideoRoomServiceFutureStub;
import io.mediamesh.common.client.GrpcClientFactory;

/**
 * The stubs of media-svc's services (its file bytes go through its file server, not gRPC).
 * {@code streamChanges} has the longer deadline of the stream calls that touch every tier.
 */
public record MediaSvcClients(VideoRoomServiceFutureStub video, TextRoomServiceFutureStub text,
                              StreamServiceFutureStub streams, StreamServiceFutureStub streamChanges,
                              MediaUsageServiceFutureStub usage) {
    public static MediaSvcClients create(GrpcClientFactory factory, GrpcClientFactory slowFactory, String endpoint) {
        return new MediaSvcClients(factory.newStub(endpoint, VideoRoomServiceFutureStub.class),
                                   factory.newStub(endpoint, TextRoomServiceFutureStub.class),
                                   factory.newStub(endpoint, StreamServiceFutureStub.class),
                                   slowFactory.newStub(endpoint, StreamServiceFutureStub.class),
                                   factory.newStub(endpoint, MediaUsageServiceFutureStub.class));
    }
}
