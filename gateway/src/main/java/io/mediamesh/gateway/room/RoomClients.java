package io.mediamesh.gateway.room;

import io.mediamesh.api.v1.TextRoomServiceGrpc.TextRoomServiceFutureStub;
import io.mediamesh.api.v1.VideoRoomServiceGrpc.VideoRoomServiceFutureStub;
import io.mediamesh.common.client.GrpcClientFactory;

/** media-svc's room services. */
public record RoomClients(VideoRoomServiceFutureStub video, TextRoomServiceFutureStub text) {
    public static RoomClients create(GrpcClientFactory factory, String mediaSvc) {
        return new RoomClients(factory.newStub(mediaSvc, VideoRoomServiceFutureStub.class),
                               factory.newStub(mediaSvc, TextRoomServiceFutureStub.class));
    }
}
