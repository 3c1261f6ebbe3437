package io.mediamesh.media.room;

import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.CreateVideoRoomRequest;
import io.mediamesh.api.v1.CreateVideoRoomResponse;
import io.mediamesh.api.v1.DestroyVideoRoomRequest;
import io.mediamesh.api.v1.DestroyVideoRoomResponse;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetVideoRoomRequest;
import io.mediamesh.api.v1.GetVideoRoomResponse;
import io.mediamesh.api.v1.JoinVideoRoomRequest;
import io.mediamesh.api.v1.JoinVideoRoomResponse;
import io.mediamesh.api.v1.KickParticipantRequest;
import io.mediamesh.api.v1.KickParticipantResponse;
import io.mediamesh.api.v1.ListRecordingsRequest;
import io.mediamesh.api.v1.ListRecordingsResponse;
import io.mediamesh.api.v1.ListVideoRoomsRequest;
import io.mediamesh.api.v1.ListVideoRoomsResponse;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.api.v1.SetVideoRoomRecordingRequest;
import io.mediamesh.api.v1.SetVideoRoomRecordingResponse;
import io.mediamesh.api.v1.UnbanVideoRoomUserRequest;
import io.mediamesh.api.v1.UnbanVideoRoomUserResponse;
import io.mediamesh.api.v1.VideoRoomParticipant;
import io.mediamesh.api.v1.VideoRoomRecording;
import io.mediamesh.api.v1.VideoRoomServiceGrpc;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.validation.Text;

/** VideoRoomService over gRPC (Janus VideoRoom). Runs on the blocking executor. */
public final class VideoRoomGrpcService extends VideoRoomServiceGrpc.VideoRoomServiceImplBase {
    public static final int DEFAULT_PUBLISHERS = 3;
    public static final int MAX_PUBLISHERS = 64;

    private final Rooms rooms;
    private final RoomRecordings recordings;
    private final TurnRelays turn;
    private final Callers callers;

    public VideoRoomGrpcService(Rooms rooms, RoomRecordings recordings, TurnRelays turn, Callers callers) {
        this.turn = turn;
        this.rooms = rooms;
        this.recordings = recordings;
        this.callers = callers;
    }

    @Override
    public void createVideoRoom(CreateVideoRoomRequest request, StreamObserver<CreateVideoRoomResponse> response) {
        Principal caller = callers.require();
        int publishers = request.getMaxPublishers() == 0 ? DEFAULT_PUBLISHERS : request.getMaxPublishers();
        if (publishers < 1 || publishers > MAX_PUBLISHERS) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST,
                                         "max_publishers must be between 1 and " + MAX_PUBLISHERS + '.');
        }
        RoomRecord room = rooms.create(RoomKind.VIDEO, caller, request.getDescription(), publishers, 0,
                                       request.getRecord());
        response.onNext(CreateVideoRoomResponse.newBuilder().setRoom(room.toVideoProto(Callers.isAdmin(caller)))
                                               .build());
        response.onCompleted();
    }

    @Override
    public void listVideoRooms(ListVideoRoomsRequest request, StreamObserver<ListVideoRoomsResponse> response) {
        Principal caller = callers.require();
        Page.Result<RoomRecord> page = rooms.page(RoomKind.VIDEO, caller, request.getOwnedOnly(),
                                                  Page.of(request.getLimit(), request.getCursor()));
        ListVideoRoomsResponse.Builder out = ListVideoRoomsResponse.newBuilder().setNextCursor(page.nextCursor());
        page.rows().forEach(room -> out.addRooms(room.toVideoProto(Callers.isAdmin(caller))));
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void getVideoRoom(GetVideoRoomRequest request, StreamObserver<GetVideoRoomResponse> response) {
        RoomRecord room = rooms.find(RoomKind.VIDEO, request.getRoomId());
        GetVideoRoomResponse.Builder out = GetVideoRoomResponse.newBuilder()
                .setRoom(room.toVideoProto(Callers.isAdmin(callers.require())));
        for (Rooms.Present present : rooms.participants(room)) {
            RoomPlugin.Participant p = present.participant();
            VideoRoomParticipant.Builder participant = VideoRoomParticipant.newBuilder()
                    .setParticipantId(p.id()).setDisplay(p.display().orElse(""))
                    .setPublisher(p.publisher()).setTalking(p.talking());
            present.token().ifPresent(token -> participant.setUserId(token.userId()).setUserName(token.userName()));
            out.addParticipants(participant);
        }
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void destroyVideoRoom(DestroyVideoRoomRequest request, StreamObserver<DestroyVideoRoomResponse> response) {
        rooms.destroy(rooms.findAsOwner(RoomKind.VIDEO, request.getRoomId()));
        response.onNext(DestroyVideoRoomResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void joinVideoRoom(JoinVideoRoomRequest request, StreamObserver<JoinVideoRoomResponse> response) {
        Principal caller = callers.require();
        RoomRecord room = rooms.find(RoomKind.VIDEO, request.getRoomId());
        RoomToken token = rooms.join(room, caller, request.getDisplay());
        JoinVideoRoomResponse.Builder joined = JoinVideoRoomResponse.newBuilder().setServerUrl(room.serverUrl())
                .setRoomId(room.id()).setParticipantId(token.participantId()).setToken(token.token());
        turn.issue(room, caller.getUserId()).ifPresent(joined::setTurn);
        response.onNext(joined.build());
        response.onCompleted();
    }

    @Override
    public void kickParticipant(KickParticipantRequest request, StreamObserver<KickParticipantResponse> response) {
        RoomRecord room = rooms.findAsOwner(RoomKind.VIDEO, request.getRoomId());
        rooms.kickParticipant(room, Text.checkId(request.getParticipantId(), "participant_id"));
        response.onNext(KickParticipantResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void setVideoRoomRecording(SetVideoRoomRecordingRequest request,
                                      StreamObserver<SetVideoRoomRecordingResponse> response) {
        RoomRecord room = rooms.setVideoRecording(rooms.findAsOwner(RoomKind.VIDEO, request.getRoomId()),
                                                  request.getEnabled());
        response.onNext(SetVideoRoomRecordingResponse.newBuilder().setRoom(
                room.toVideoProto(Callers.isAdmin(callers.require()))).build());
        response.onCompleted();
    }

    @Override
    public void listRecordings(ListRecordingsRequest request, StreamObserver<ListRecordingsResponse> response) {
        Page.Result<VideoRoomRecording> page = recordings.page(rooms.findRecordedAsOwner(request.getRoomId()),
                                                               request.getLimit(), request.getCursor());
        response.onNext(ListRecordingsResponse.newBuilder().addAllRecordings(page.rows())
                                              .setNextCursor(page.nextCursor()).build());
        response.onCompleted();
    }

    @Override
    public void unbanVideoRoomUser(UnbanVideoRoomUserRequest request,
                                  StreamObserver<UnbanVideoRoomUserResponse> response) {
        rooms.unban(rooms.findAsOwner(RoomKind.VIDEO, request.getRoomId()), request.getUserId());
        response.onNext(UnbanVideoRoomUserResponse.getDefaultInstance());
        response.onCompleted();
    }
}
