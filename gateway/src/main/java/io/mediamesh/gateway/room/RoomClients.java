package io.mediamesh.gateway.room;

import io.mediamesh.api.v1.StreamServiceGrpc.StreamServiceFutureStub;
import io.mediamesh.api.v1.TextRoomServiceGrpc.TextRoomServiceFutureStub;
import io.mediamesh.api.v1.VideoRoomServiceGrpc.VideoRoomServiceFutureStub;
import io.mediamesh.common.client.GrpcClientFactory;

/**
 * media-svc's room and stream services. {@code streamChanges} has the longer deadline of the
 * stream calls that touch every tier.
 */
public record RoomClients(VideoRoomServiceFutureStub video, TextRoomServiceFutureStub text,
                          StreamServiceFutureStub streams, StreamServiceFutureStub streamChanges) {
    public static RoomClients create(GrpcClientFactory factory, GrpcClientFactory slowFactory, String mediaSvc) {
        return new RoomClients(factory.newStub(mediaSvc, VideoRoomServiceFutureStub.class),
                               factory.newStub(mediaSvc, TextRoomServiceFutureStub.class),
                               factory.newStub(mediaSvc, StreamServiceFutureStub.class),
                               slowFactory.newStub(mediaSvc, StreamServiceFutureStub.class));
    }
}
