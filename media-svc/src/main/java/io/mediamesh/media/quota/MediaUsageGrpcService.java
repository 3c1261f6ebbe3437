package io.mediamesh.media.quota;

import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.GetMediaUsageRequest;
import io.mediamesh.api.v1.GetMediaUsageResponse;
import io.mediamesh.api.v1.MediaUsageServiceGrpc;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.validation.Text;
import io.mediamesh.media.room.Rooms;
import io.mediamesh.media.stream.LiveStreams;

/** MediaUsageService over gRPC: the rooms and streams a user holds against their quotas. Runs on the blocking executor. */
public final class MediaUsageGrpcService extends MediaUsageServiceGrpc.MediaUsageServiceImplBase {
    private final Rooms rooms;
    private final LiveStreams streams;
    private final Callers callers;

    public MediaUsageGrpcService(Rooms rooms, LiveStreams streams, Callers callers) {
        this.rooms = rooms;
        this.streams = streams;
        this.callers = callers;
    }

    @Override
    public void getMediaUsage(GetMediaUsageRequest request, StreamObserver<GetMediaUsageResponse> response) {
        callers.require();
        long userId = Text.checkId(request.getUserId(), "user_id");
        callers.requireSelfOrAdmin(userId);
        response.onNext(GetMediaUsageResponse.newBuilder().setRooms(rooms.countOwnedBy(userId))
                                             .setStreams(streams.countOwnedBy(userId)).build());
        response.onCompleted();
    }
}
