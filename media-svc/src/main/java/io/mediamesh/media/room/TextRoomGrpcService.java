package io.mediamesh.media.room;

import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.CreateTextRoomRequest;
import io.mediamesh.api.v1.CreateTextRoomResponse;
import io.mediamesh.api.v1.DestroyTextRoomRequest;
import io.mediamesh.api.v1.DestroyTextRoomResponse;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetTextRoomRequest;
import io.mediamesh.api.v1.GetTextRoomResponse;
import io.mediamesh.api.v1.GetTranscriptRequest;
import io.mediamesh.api.v1.GetTranscriptResponse;
import io.mediamesh.api.v1.JoinTextRoomRequest;
import io.mediamesh.api.v1.JoinTextRoomResponse;
import io.mediamesh.api.v1.KickTextRoomParticipantRequest;
import io.mediamesh.api.v1.KickTextRoomParticipantResponse;
import io.mediamesh.api.v1.ListTextRoomsRequest;
import io.mediamesh.api.v1.ListTextRoomsResponse;
import io.mediamesh.api.v1.PostAnnouncementRequest;
import io.mediamesh.api.v1.PostAnnouncementResponse;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.api.v1.SetTextRoomRecordingRequest;
import io.mediamesh.api.v1.SetTextRoomRecordingResponse;
import io.mediamesh.api.v1.TextRoomParticipant;
import io.mediamesh.api.v1.TextRoomServiceGrpc;
import io.mediamesh.api.v1.UnbanTextRoomUserRequest;
import io.mediamesh.api.v1.UnbanTextRoomUserResponse;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.validation.Text;

/**
 * TextRoomService over gRPC (Janus TextRoom). Janus cannot record text rooms: each room posts its
 * messages to {@link TextRoomPostBackend}, which keeps them while the room's recording flag is on.
 * Runs on the blocking executor.
 */
public final class TextRoomGrpcService extends TextRoomServiceGrpc.TextRoomServiceImplBase {
    public static final int MAX_HISTORY = 100;
    public static final int MAX_ANNOUNCEMENT_LENGTH = 4000;
    public static final int MAX_USERNAME_LENGTH = 64;

    private final Rooms rooms;
    private final Callers callers;

    public TextRoomGrpcService(Rooms rooms, Callers callers) {
        this.rooms = rooms;
        this.callers = callers;
    }

    @Override
    public void createTextRoom(CreateTextRoomRequest request, StreamObserver<CreateTextRoomResponse> response) {
        Principal caller = callers.require();
        if (request.getHistory() < 0 || request.getHistory() > MAX_HISTORY) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST, "history must be between 0 and " + MAX_HISTORY + '.');
        }
        RoomRecord room = rooms.create(RoomKind.TEXT, caller, request.getDescription(), 0, request.getHistory(),
                                       request.getRecord());
        response.onNext(CreateTextRoomResponse.newBuilder().setRoom(room.toTextProto(Callers.isAdmin(caller))).build());
        response.onCompleted();
    }

    @Override
    public void listTextRooms(ListTextRoomsRequest request, StreamObserver<ListTextRoomsResponse> response) {
        Principal caller = callers.require();
        Page.Result<RoomRecord> page = rooms.page(RoomKind.TEXT, caller, request.getOwnedOnly(),
                                                  Page.of(request.getLimit(), request.getCursor()));
        ListTextRoomsResponse.Builder out = ListTextRoomsResponse.newBuilder().setNextCursor(page.nextCursor());
        page.rows().forEach(room -> out.addRooms(room.toTextProto(Callers.isAdmin(caller))));
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void getTextRoom(GetTextRoomRequest request, StreamObserver<GetTextRoomResponse> response) {
        RoomRecord room = rooms.find(RoomKind.TEXT, request.getRoomId());
        GetTextRoomResponse.Builder out = GetTextRoomResponse.newBuilder()
                .setRoom(room.toTextProto(Callers.isAdmin(callers.require())));
        for (Rooms.Present present : rooms.participants(room)) {
            TextRoomParticipant.Builder participant = TextRoomParticipant.newBuilder()
                    .setUsername(present.participant().username())
                    .setDisplay(present.participant().display().orElse(""));
            present.token().ifPresent(token -> participant.setUserId(token.userId()).setUserName(token.userName()));
            out.addParticipants(participant);
        }
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void destroyTextRoom(DestroyTextRoomRequest request, StreamObserver<DestroyTextRoomResponse> response) {
        rooms.destroy(rooms.findAsOwner(RoomKind.TEXT, request.getRoomId()));
        response.onNext(DestroyTextRoomResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void joinTextRoom(JoinTextRoomRequest request, StreamObserver<JoinTextRoomResponse> response) {
        Principal caller = callers.require();
        RoomRecord room = rooms.find(RoomKind.TEXT, request.getRoomId());
        RoomToken token = rooms.join(room, caller, request.getDisplay());
        response.onNext(JoinTextRoomResponse.newBuilder().setServerUrl(room.serverUrl()).setRoomId(room.id())
                                            .setUsername(token.username()).setToken(token.token()).build());
        response.onCompleted();
    }

    @Override
    public void kickTextRoomParticipant(KickTextRoomParticipantRequest request,
                                        StreamObserver<KickTextRoomParticipantResponse> response) {
        RoomRecord room = rooms.findAsOwner(RoomKind.TEXT, request.getRoomId());
        String username = Text.check(request.getUsername(), "username", 1, MAX_USERNAME_LENGTH, false,
                                     ErrorCode.INVALID_REQUEST);
        rooms.kickUser(room, username);
        response.onNext(KickTextRoomParticipantResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void setTextRoomRecording(SetTextRoomRecordingRequest request,
                                     StreamObserver<SetTextRoomRecordingResponse> response) {
        RoomRecord room = rooms.findAsOwner(RoomKind.TEXT, request.getRoomId());
        RoomRecord changed = rooms.setTextRecording(room, request.getEnabled());
        response.onNext(SetTextRoomRecordingResponse.newBuilder().setRoom(
                changed.toTextProto(Callers.isAdmin(callers.require()))).build());
        response.onCompleted();
    }

    @Override
    public void getTranscript(GetTranscriptRequest request, StreamObserver<GetTranscriptResponse> response) {
        RoomRecord room = rooms.findAsOwner(RoomKind.TEXT, request.getRoomId());
        Page.Result<TranscriptMessage> page = rooms.transcript(
                room, Page.of(request.getLimit(), request.getCursor(), 100, 500));
        GetTranscriptResponse.Builder out = GetTranscriptResponse.newBuilder().setNextCursor(page.nextCursor());
        page.rows().forEach(message -> out.addMessages(message.toProto()));
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void postAnnouncement(PostAnnouncementRequest request, StreamObserver<PostAnnouncementResponse> response) {
        RoomRecord room = rooms.findAsOwner(RoomKind.TEXT, request.getRoomId());
        String text = Text.check(request.getText(), "text", 1, MAX_ANNOUNCEMENT_LENGTH, true, ErrorCode.INVALID_REQUEST);
        rooms.announce(room, text);
        response.onNext(PostAnnouncementResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void unbanTextRoomUser(UnbanTextRoomUserRequest request,
                                 StreamObserver<UnbanTextRoomUserResponse> response) {
        rooms.unban(rooms.findAsOwner(RoomKind.TEXT, request.getRoomId()), request.getUserId());
        response.onNext(UnbanTextRoomUserResponse.getDefaultInstance());
        response.onCompleted();
    }
}
