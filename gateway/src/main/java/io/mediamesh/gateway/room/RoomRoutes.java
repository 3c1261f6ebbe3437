package io.mediamesh.gateway.room;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.annotation.Nullable;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.Put;
import io.mediamesh.api.v1.CreateTextRoomRequest;
import io.mediamesh.api.v1.CreateVideoRoomRequest;
import io.mediamesh.api.v1.DestroyTextRoomRequest;
import io.mediamesh.api.v1.DestroyVideoRoomRequest;
import io.mediamesh.api.v1.GetTextRoomRequest;
import io.mediamesh.api.v1.GetTranscriptRequest;
import io.mediamesh.api.v1.GetVideoRoomRequest;
import io.mediamesh.api.v1.JoinTextRoomRequest;
import io.mediamesh.api.v1.JoinVideoRoomRequest;
import io.mediamesh.api.v1.KickParticipantRequest;
import io.mediamesh.api.v1.KickTextRoomParticipantRequest;
import io.mediamesh.api.v1.ListRecordingsRequest;
import io.mediamesh.api.v1.ListTextRoomsRequest;
import io.mediamesh.api.v1.ListVideoRoomsRequest;
import io.mediamesh.api.v1.PostAnnouncementRequest;
import io.mediamesh.api.v1.SetTextRoomRecordingRequest;
import io.mediamesh.api.v1.SetVideoRoomRecordingRequest;
import io.mediamesh.api.v1.UnbanTextRoomUserRequest;
import io.mediamesh.api.v1.UnbanVideoRoomUserRequest;
import io.mediamesh.gateway.MediaSvcClients;
import io.mediamesh.gateway.browser.IceTransportPolicy;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.JsonBody;
import io.mediamesh.gateway.http.PathParams;
import io.mediamesh.gateway.room.RoomViews.Message;
import io.mediamesh.gateway.room.RoomViews.OneRoom;
import io.mediamesh.gateway.room.RoomViews.Participant;
import io.mediamesh.gateway.room.RoomViews.Recording;
import io.mediamesh.gateway.room.RoomViews.Recordings;
import io.mediamesh.gateway.room.RoomViews.Room;
import io.mediamesh.gateway.room.RoomViews.RoomPage;
import io.mediamesh.gateway.room.RoomViews.RoomWithParticipants;
import io.mediamesh.gateway.room.RoomViews.TextJoin;
import io.mediamesh.gateway.room.RoomViews.Transcript;
import io.mediamesh.gateway.room.RoomViews.Turn;
import io.mediamesh.gateway.room.RoomViews.VideoJoin;
import java.util.concurrent.CompletableFuture;

/** Media rooms (API.md "Media rooms"): /api/rooms/video and /api/rooms/text, served by media-svc. */
public final class RoomRoutes {
    private final MediaSvcClients media;
    private final IceTransportPolicy iceTransportPolicy;

    /** @param iceTransportPolicy what video room joins tell the page to use (BrowserSettings) */
    public RoomRoutes(MediaSvcClients media, IceTransportPolicy iceTransportPolicy) {
        this.media = media;
        this.iceTransportPolicy = iceTransportPolicy;
    }

    // --- Video rooms ---

    @Post("/rooms/video")
    public CompletableFuture<HttpResponse> createVideo(RequestHeaders headers, AggregatedHttpRequest request) {
        JsonBody body = JsonBody.parse(request);
        CreateVideoRoomRequest call = CreateVideoRoomRequest.newBuilder()
                .setDescription(body.optionalString("description").orElse(""))
                .setMaxPublishers(body.optionalInt("max_publishers").orElse(0))
                .setRecord(body.optionalBoolean("record").orElse(false)).build();
        return Calls.as(headers, () -> media.video().createVideoRoom(call))
                    .thenApply(response -> Envelope.created(Room.of(response.getRoom())));
    }

    @Get("/rooms/video")
    public CompletableFuture<HttpResponse> listVideo(RequestHeaders headers, @Param("limit") @Nullable String limit,
                                                     @Param("cursor") @Nullable String cursor,
                                                     @Param("owned") @Nullable String owned) {
        ListVideoRoomsRequest call = ListVideoRoomsRequest.newBuilder().setLimit(PathParams.limit(limit))
                                                          .setCursor(cursor == null ? "" : cursor)
                                                          .setOwnedOnly("true".equals(owned)).build();
        return Calls.as(headers, () -> media.video().listVideoRooms(call)).thenApply(response -> Envelope.ok(
                new RoomPage(response.getRoomsList().stream().map(Room::of).toList(),
                             RoomViews.cursor(response.getNextCursor()))));
    }

    @Get("/rooms/video/{room}")
    public CompletableFuture<HttpResponse> getVideo(RequestHeaders headers, @Param("room") String room) {
        GetVideoRoomRequest call = GetVideoRoomRequest.newBuilder().setRoomId(roomId(room)).build();
        return Calls.as(headers, () -> media.video().getVideoRoom(call)).thenApply(response -> Envelope.ok(
                new RoomWithParticipants(Room.of(response.getRoom()),
                                         response.getParticipantsList().stream().map(Participant::of).toList())));
    }

    @Delete("/rooms/video/{room}")
    public CompletableFuture<HttpResponse> destroyVideo(RequestHeaders headers, @Param("room") String room) {
        DestroyVideoRoomRequest call = DestroyVideoRoomRequest.newBuilder().setRoomId(roomId(room)).build();
        return Calls.as(headers, () -> media.video().destroyVideoRoom(call)).thenApply(response -> noContent());
    }

    @Post("/rooms/video/{room}/join")
    public CompletableFuture<HttpResponse> joinVideo(RequestHeaders headers, @Param("room") String room,
                                                     AggregatedHttpRequest request) {
        long roomId = roomId(room);
        JoinVideoRoomRequest call = JoinVideoRoomRequest.newBuilder().setRoomId(roomId)
                .setDisplay(JsonBody.parse(request).requiredString("display")).build();
        return Calls.as(headers, () -> media.video().joinVideoRoom(call)).thenApply(r -> Envelope.ok(
                new VideoJoin(r.getServerUrl(), r.getRoomId(), r.getParticipantId(), r.getToken(),
                              r.hasTurn() ? Turn.of(r.getTurn()) : null, iceTransportPolicy.value())));
    }

    @Delete("/rooms/video/{room}/participants/{pid}")
    public CompletableFuture<HttpResponse> kickVideo(RequestHeaders headers, @Param("room") String room,
                                                     @Param("pid") String pid) {
        KickParticipantRequest call = KickParticipantRequest.newBuilder().setRoomId(roomId(room))
                .setParticipantId(PathParams.id(pid, "pid")).build();
        return Calls.as(headers, () -> media.video().kickParticipant(call)).thenApply(response -> noContent());
    }

    /** Not in API.md's table: lifts the ban a kick put on a user (owner or admin; 204 also when none). */
    @Delete("/rooms/video/{room}/bans/{user}")
    public CompletableFuture<HttpResponse> unbanVideo(RequestHeaders headers, @Param("room") String room,
                                                      @Param("user") String user) {
        UnbanVideoRoomUserRequest call = UnbanVideoRoomUserRequest.newBuilder().setRoomId(roomId(room))
                .setUserId(PathParams.id(user, "user")).build();
        return Calls.as(headers, () -> media.video().unbanVideoRoomUser(call)).thenApply(response -> noContent());
    }

    @Put("/rooms/video/{room}/recording")
    public CompletableFuture<HttpResponse> recordVideo(RequestHeaders headers, @Param("room") String room,
                                                       AggregatedHttpRequest request) {
        long roomId = roomId(room);
        SetVideoRoomRecordingRequest call = SetVideoRoomRecordingRequest.newBuilder().setRoomId(roomId)
                .setEnabled(JsonBody.parse(request).requiredBoolean("enabled")).build();
        return Calls.as(headers, () -> media.video().setVideoRoomRecording(call))
                    .thenApply(response -> Envelope.ok(new OneRoom(Room.of(response.getRoom()))));
    }

    /** Not in API.md's table: the room's recordings, newest first (the "recordings listed"). */
    @Get("/rooms/video/{room}/recordings")
    public CompletableFuture<HttpResponse> recordings(RequestHeaders headers, @Param("room") String room,
                                                      @Param("limit") @Nullable String limit,
                                                      @Param("cursor") @Nullable String cursor) {
        ListRecordingsRequest call = ListRecordingsRequest.newBuilder().setRoomId(roomId(room))
                                                          .setLimit(PathParams.limit(limit))
                                                          .setCursor(cursor == null ? "" : cursor).build();
        return Calls.as(headers, () -> media.video().listRecordings(call)).thenApply(response -> Envelope.ok(
                new Recordings(response.getRecordingsList().stream().map(Recording::of).toList(),
                               RoomViews.cursor(response.getNextCursor()))));
    }

    // --- Text rooms ---

    @Post("/rooms/text")
    public CompletableFuture<HttpResponse> createText(RequestHeaders headers, AggregatedHttpRequest request) {
        JsonBody body = JsonBody.parse(request);
        CreateTextRoomRequest call = CreateTextRoomRequest.newBuilder()
                .setDescription(body.optionalString("description").orElse(""))
                .setHistory(body.optionalInt("history").orElse(0))
                .setRecord(body.optionalBoolean("record").orElse(false)).build();
        return Calls.as(headers, () -> media.text().createTextRoom(call))
                    .thenApply(response -> Envelope.created(Room.of(response.getRoom())));
    }

    @Get("/rooms/text")
    public CompletableFuture<HttpResponse> listText(RequestHeaders headers, @Param("limit") @Nullable String limit,
                                                    @Param("cursor") @Nullable String cursor,
                                                    @Param("owned") @Nullable String owned) {
        ListTextRoomsRequest call = ListTextRoomsRequest.newBuilder().setLimit(PathParams.limit(limit))
                                                        .setCursor(cursor == null ? "" : cursor)
                                                        .setOwnedOnly("true".equals(owned)).build();
        return Calls.as(headers, () -> media.text().listTextRooms(call)).thenApply(response -> Envelope.ok(
                new RoomPage(response.getRoomsList().stream().map(Room::of).toList(),
                             RoomViews.cursor(response.getNextCursor()))));
    }

    @Get("/rooms/text/{room}")
    public CompletableFuture<HttpResponse> getText(RequestHeaders headers, @Param("room") String room) {
        GetTextRoomRequest call = GetTextRoomRequest.newBuilder().setRoomId(roomId(room)).build();
        return Calls.as(headers, () -> media.text().getTextRoom(call)).thenApply(response -> Envelope.ok(
                new RoomWithParticipants(Room.of(response.getRoom()),
                                         response.getParticipantsList().stream().map(Participant::of).toList())));
    }

    @Delete("/rooms/text/{room}")
    public CompletableFuture<HttpResponse> destroyText(RequestHeaders headers, @Param("room") String room) {
        DestroyTextRoomRequest call = DestroyTextRoomRequest.newBuilder().setRoomId(roomId(room)).build();
        return Calls.as(headers, () -> media.text().destroyTextRoom(call)).thenApply(response -> noContent());
    }

    @Post("/rooms/text/{room}/join")
    public CompletableFuture<HttpResponse> joinText(RequestHeaders headers, @Param("room") String room,
                                                    AggregatedHttpRequest request) {
        long roomId = roomId(room);
        JoinTextRoomRequest call = JoinTextRoomRequest.newBuilder().setRoomId(roomId)
                .setDisplay(JsonBody.parse(request).requiredString("display")).build();
        return Calls.as(headers, () -> media.text().joinTextRoom(call)).thenApply(r -> Envelope.ok(
                new TextJoin(r.getServerUrl(), r.getRoomId(), r.getUsername(), r.getToken())));
    }

    @Delete("/rooms/text/{room}/participants/{username}")
    public CompletableFuture<HttpResponse> kickText(RequestHeaders headers, @Param("room") String room,
                                                    @Param("username") String username) {
        KickTextRoomParticipantRequest call = KickTextRoomParticipantRequest.newBuilder().setRoomId(roomId(room))
                                                                            .setUsername(username).build();
        return Calls.as(headers, () -> media.text().kickTextRoomParticipant(call)).thenApply(response -> noContent());
    }

    /** Not in API.md's table: lifts the ban a kick put on a user (owner or admin; 204 also when none). */
    @Delete("/rooms/text/{room}/bans/{user}")
    public CompletableFuture<HttpResponse> unbanText(RequestHeaders headers, @Param("room") String room,
                                                     @Param("user") String user) {
        UnbanTextRoomUserRequest call = UnbanTextRoomUserRequest.newBuilder().setRoomId(roomId(room))
                .setUserId(PathParams.id(user, "user")).build();
        return Calls.as(headers, () -> media.text().unbanTextRoomUser(call)).thenApply(response -> noContent());
    }

    @Put("/rooms/text/{room}/recording")
    public CompletableFuture<HttpResponse> recordText(RequestHeaders headers, @Param("room") String room,
                                                      AggregatedHttpRequest request) {
        long roomId = roomId(room);
        SetTextRoomRecordingRequest call = SetTextRoomRecordingRequest.newBuilder().setRoomId(roomId)
                .setEnabled(JsonBody.parse(request).requiredBoolean("enabled")).build();
        return Calls.as(headers, () -> media.text().setTextRoomRecording(call))
                    .thenApply(response -> Envelope.ok(new OneRoom(Room.of(response.getRoom()))));
    }

    @Get("/rooms/text/{room}/transcript")
    public CompletableFuture<HttpResponse> transcript(RequestHeaders headers, @Param("room") String room,
                                                      @Param("limit") @Nullable String limit,
                                                      @Param("cursor") @Nullable String cursor) {
        GetTranscriptRequest call = GetTranscriptRequest.newBuilder().setRoomId(roomId(room))
                                                        .setLimit(PathParams.limit(limit))
                                                        .setCursor(cursor == null ? "" : cursor).build();
        return Calls.as(headers, () -> media.text().getTranscript(call)).thenApply(response -> Envelope.ok(
                new Transcript(response.getMessagesList().stream().map(Message::of).toList(),
                               RoomViews.cursor(response.getNextCursor()))));
    }

    /** Announcements through the API (not in API.md's table): 204. */
    @Post("/rooms/text/{room}/announcements")
    public CompletableFuture<HttpResponse> announce(RequestHeaders headers, @Param("room") String room,
                                                    AggregatedHttpRequest request) {
        long roomId = roomId(room);
        PostAnnouncementRequest call = PostAnnouncementRequest.newBuilder().setRoomId(roomId)
                .setText(JsonBody.parse(request).requiredString("text")).build();
        return Calls.as(headers, () -> media.text().postAnnouncement(call)).thenApply(response -> noContent());
    }

    private static long roomId(String raw) {
        return PathParams.id(raw, "room");
    }

    private static HttpResponse noContent() {
        return HttpResponse.of(HttpStatus.NO_CONTENT);
    }
}
