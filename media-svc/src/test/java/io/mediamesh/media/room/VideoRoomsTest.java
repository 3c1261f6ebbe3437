package io.mediamesh.media.room;

import static io.mediamesh.common.testing.GrpcAssertions.assertFails;
import static io.mediamesh.media.db.Tables.ROOM_BANS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.CreateVideoRoomRequest;
import io.mediamesh.api.v1.DestroyVideoRoomRequest;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetConfigRequest;
import io.mediamesh.api.v1.GetVideoRoomRequest;
import io.mediamesh.api.v1.GetVideoRoomResponse;
import io.mediamesh.api.v1.JoinVideoRoomRequest;
import io.mediamesh.api.v1.JoinVideoRoomResponse;
import io.mediamesh.api.v1.KickParticipantRequest;
import io.mediamesh.api.v1.ListVideoRoomsRequest;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.SetVideoRoomRecordingRequest;
import io.mediamesh.api.v1.TurnCredentials;
import io.mediamesh.api.v1.UnbanVideoRoomUserRequest;
import io.mediamesh.api.v1.VideoRoom;
import io.mediamesh.api.v1.VideoRoomServiceGrpc.VideoRoomServiceBlockingStub;
import io.mediamesh.common.testing.Await;
import io.mediamesh.media.janus.JanusClient;
import io.mediamesh.media.testing.CoturnInstance;
import io.mediamesh.media.testing.JanusInstance;
import io.mediamesh.media.testing.JanusProbe;
import io.mediamesh.media.testing.RoomMesh;
import io.mediamesh.media.testing.RoomPeople;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Video rooms through media-svc on three real Janus instances, checked through Janus's own API. */
class VideoRoomsTest {
    @RegisterExtension
    static final RoomMesh mesh = new RoomMesh();

    static RoomPeople people;

    @BeforeAll
    static void signIn() {
        people = RoomPeople.signIn(mesh);
    }

    @Test
    void createdRoomExistsOnItsJanusAndOnlyAdminsSeeTheSecret() {
        VideoRoom room = create(people.alice(), "standup");
        assertThat(room.getSecret()).isEmpty();
        assertThat(room.getOwner().getUserName()).isEqualTo("alice");
        assertThat(room.getMaxPublishers()).isEqualTo(3);
        assertThat(exists(room)).isTrue();
        assertThat(rooms(people.admin()).getVideoRoom(get(room)).getRoom().getSecret()).isNotEmpty();
        assertThat(rooms(people.bob()).getVideoRoom(get(room)).getRoom().getSecret()).isEmpty();
        assertThat(rooms(people.bob()).listVideoRooms(ListVideoRoomsRequest.getDefaultInstance()).getRoomsList())
                .extracting(VideoRoom::getRoomId).contains(room.getRoomId());
        assertThat(rooms(people.bob()).listVideoRooms(ListVideoRoomsRequest.getDefaultInstance()).getRoomsList())
                .allSatisfy(listed -> assertThat(listed.getSecret()).isEmpty());
        assertThat(rooms(people.bob()).listVideoRooms(ListVideoRoomsRequest.newBuilder().setOwnedOnly(true).build())
                                      .getRoomsList()).isEmpty();
    }

    @Test
    void roomsSpreadOverTheLeastLoadedServers() {
        for (int i = 0; i < 3; i++) {
            create(people.alice(), "spread " + i);
        }
        assertThat(rooms(people.alice()).listVideoRooms(ListVideoRoomsRequest.newBuilder().setLimit(100).build())
                                        .getRoomsList())
                .extracting(room -> room.getServer().getId()).containsAll(
                        mesh.servers().stream().map(MediaServer::getId).toList());
    }

    @Test
    void joinGivesATokenJanusAdmitsAndKickRemovesAndRevokesIt() {
        VideoRoom room = create(people.alice(), "kick");
        JoinVideoRoomResponse joined = rooms(people.bob()).joinVideoRoom(join(room, "Bob"));
        assertThat(joined.getToken()).isNotEmpty();
        assertThat(joined.getServerUrl()).isEqualTo(room.getServer().getUrl());

        JanusProbe probe = probe(room);
        long handle = probe.attach(JanusClient.VIDEOROOM);
        assertThat(probe.requestAsync(handle, joinBody(room, joined, "nope")).path("error_code").asInt())
                .isEqualTo(433);
        assertThat(probe.requestAsync(handle, joinBody(room, joined, joined.getToken())).path("videoroom").asText())
                .isEqualTo("joined");
        GetVideoRoomResponse live = rooms(people.alice()).getVideoRoom(get(room));
        assertThat(live.getParticipantsList()).singleElement().satisfies(p -> {
            assertThat(p.getParticipantId()).isEqualTo(joined.getParticipantId());
            assertThat(p.getUserName()).isEqualTo("bob");
            assertThat(p.getDisplay()).isEqualTo("Bob");
        });

        KickParticipantRequest kick = KickParticipantRequest.newBuilder().setRoomId(room.getRoomId())
                                                            .setParticipantId(joined.getParticipantId()).build();
        assertFails(ErrorCode.PERMISSION_DENIED, () -> rooms(people.bob()).kickParticipant(kick));
        rooms(people.alice()).kickParticipant(kick);

        assertThat(participants(probe, room)).isEmpty();
        long again = probe.attach(JanusClient.VIDEOROOM);
        assertThat(probe.requestAsync(again, joinBody(room, joined, joined.getToken())).path("error_code").asInt())
                .isEqualTo(433);
        assertFails(ErrorCode.PARTICIPANT_NOT_FOUND, () -> rooms(people.alice()).kickParticipant(kick));
    }

    @Test
    void aJoinGivesTurnCredentialsThatTheServersCoturnAcceptsUntilTheyExpire() {
        VideoRoom room = create(people.alice(), "turn");
        long now = Instant.now().getEpochSecond();
        TurnCredentials turn = rooms(people.bob()).joinVideoRoom(join(room, "Bob")).getTurn();
        MediaServer server = serverOf(room);
        int port = server.getOverrides().getCoturnListeningPort();
        assertThat(turn.getUrlsList()).containsExactly("turn:127.0.0.1:" + port + "?transport=udp");
        // Twelve hours (reference.conf), for this user only.
        long expiry = turn.getExpiresAt().getSeconds();
        assertThat(expiry).isBetween(now + 12 * 3600 - 60, now + 12 * 3600 + 60);
        assertThat(turn.getUsername()).isEqualTo(expiry + ":u" + mesh.userId(people.bob()));

        String secret = mesh.configs(mesh.adminSession()).getConfig(GetConfigRequest.newBuilder()
                .setKind(ConfigKind.CONFIG_KIND_COTURN).setRole(server.getRole()).build())
                .getRevision().getDocument().getCoturn().getStaticAuthSecret();
        try (CoturnInstance coturn = CoturnInstance.start(mesh.dir().resolve("coturn"), port, secret)) {
            assertThat(coturn.allocates(turn.getUsername(), turn.getPassword())).isTrue();
            assertThat(coturn.allocates(turn.getUsername(), turn.getPassword() + "x")).isFalse();
            // Another user's name with this password, or these credentials once expired, are refused too.
            assertThat(coturn.allocates(expiry + ":u" + mesh.userId(people.alice()), turn.getPassword())).isFalse();
            String expired = (now - 1) + ":u" + mesh.userId(people.bob());
            assertThat(coturn.allocates(expired, TurnRelays.password(secret, expired))).isFalse();
        }
    }

    @Test
    void aKickedUserIsBannedForTheRoomsLifetimeUntilTheOwnerLiftsTheBan() {
        VideoRoom room = create(people.alice(), "ban");
        long bobId = mesh.userId(people.bob());
        JoinVideoRoomResponse joined = rooms(people.bob()).joinVideoRoom(join(room, "Bob"));
        rooms(people.alice()).kickParticipant(KickParticipantRequest.newBuilder().setRoomId(room.getRoomId())
                .setParticipantId(joined.getParticipantId()).build());
        assertThat(bans(room)).containsExactly(bobId);

        // No new token, and the old one is gone from Janus's list.
        assertThat(assertFails(ErrorCode.ROOM_BANNED, () -> rooms(people.bob()).joinVideoRoom(join(room, "Bob"))))
                .contains("may not join");
        JanusProbe probe = probe(room);
        assertThat(probe.requestAsync(probe.attach(JanusClient.VIDEOROOM), joinBody(room, joined, joined.getToken()))
                        .path("error_code").asInt()).isEqualTo(433);
        // Only the owner (or an admin) lifts it; the banned user cannot.
        UnbanVideoRoomUserRequest unban = UnbanVideoRoomUserRequest.newBuilder().setRoomId(room.getRoomId())
                                                                   .setUserId(bobId).build();
        assertFails(ErrorCode.PERMISSION_DENIED, () -> rooms(people.bob()).unbanVideoRoomUser(unban));
        assertFails(ErrorCode.UNAUTHENTICATED, () -> rooms(null).unbanVideoRoomUser(unban));
        assertFails(ErrorCode.INVALID_ID,
                    () -> rooms(people.alice()).unbanVideoRoomUser(unban.toBuilder().setUserId(0).build()));
        assertThat(bans(room)).containsExactly(bobId);

        rooms(people.alice()).unbanVideoRoomUser(unban);
        rooms(people.alice()).unbanVideoRoomUser(unban);
        assertThat(bans(room)).isEmpty();
        JoinVideoRoomResponse back = rooms(people.bob()).joinVideoRoom(join(room, "Bob"));
        assertThat(back.getToken()).isNotEqualTo(joined.getToken());
        assertThat(probe.requestAsync(probe.attach(JanusClient.VIDEOROOM), joinBody(room, back, back.getToken()))
                        .path("videoroom").asText()).isEqualTo("joined");
    }

    @Test
    void aTokenUsedWithAnotherIdOrDisplayNameIsKickedAtOnce() {
        VideoRoom room = create(people.alice(), "bound");
        String carol = mesh.userSession("carol-" + System.nanoTime());
        JoinVideoRoomResponse bobs = rooms(people.bob()).joinVideoRoom(join(room, "Bob"));
        JoinVideoRoomResponse carols = rooms(carol).joinVideoRoom(join(room, "Carol"));
        JanusProbe probe = probe(room);

        // Janus lets each in (the token is listed); media-svc's check of its join event kicks them.
        long strangeId = 777_000_001L;
        assertImpostorKicked(probe, room, join(room, bobs.getToken(), strangeId, "Bob"), strangeId);
        assertImpostorKicked(probe, room, join(room, bobs.getToken(), bobs.getParticipantId(), "Mallory"),
                             bobs.getParticipantId());
        // Carol's own token does not make her Bob either.
        assertImpostorKicked(probe, room, join(room, carols.getToken(), bobs.getParticipantId(), "Bob"),
                             bobs.getParticipantId());

        // The token's holder, as issued, stays, also after later impostors were handled.
        long bobHandle = probe.attach(JanusClient.VIDEOROOM);
        assertThat(probe.requestAsync(bobHandle, join(room, bobs.getToken(), bobs.getParticipantId(), "Bob"))
                        .path("videoroom").asText()).isEqualTo("joined");
        assertImpostorKicked(probe, room, join(room, carols.getToken(), 777_000_002L, "Carol"), 777_000_002L);
        assertThat(participantIds(probe, room)).containsExactly(bobs.getParticipantId());

        // Changing the display name afterwards is the same as joining with another one.
        ObjectNode rename = JanusProbe.body("configure");
        rename.put("display", "Alice");
        probe.requestAsync(bobHandle, rename);
        Await.until("the renamed participant is kicked", Duration.ofSeconds(10),
                    () -> participantIds(probe, room).isEmpty());
    }

    @Test
    void janusListsNoRoomToAnyoneWithoutItsAdminKey() {
        VideoRoom room = create(people.alice(), "hidden");
        JanusProbe probe = probe(room);
        assertThat(probe.request(probe.attach(JanusClient.VIDEOROOM), JanusProbe.body("list")).path("list"))
                .extracting(listed -> listed.path("room").asLong()).doesNotContain(room.getRoomId());
        assertThat(janusRoom(room).path("is_private").asBoolean()).isTrue();
    }

    @Test
    void recordingIsTurnedOnAndOffOnJanus() {
        VideoRoom room = create(people.alice(), "rec");
        SetVideoRoomRecordingRequest on = SetVideoRoomRecordingRequest.newBuilder().setRoomId(room.getRoomId())
                                                                      .setEnabled(true).build();
        assertFails(ErrorCode.PERMISSION_DENIED, () -> rooms(people.bob()).setVideoRoomRecording(on));
        assertThat(rooms(people.alice()).setVideoRoomRecording(on).getRoom().getRecording()).isTrue();
        assertThat(janusRoom(room).path("record").asBoolean()).isTrue();
        rooms(people.admin()).setVideoRoomRecording(on.toBuilder().setEnabled(false).build());
        assertThat(janusRoom(room).path("record").asBoolean()).isFalse();
        assertThat(rooms(people.alice()).getVideoRoom(get(room)).getRoom().getRecording()).isFalse();
    }

    @Test
    void destroyRemovesTheRoomEverywhere() {
        VideoRoom room = create(people.alice(), "gone");
        DestroyVideoRoomRequest destroy = DestroyVideoRoomRequest.newBuilder().setRoomId(room.getRoomId()).build();
        assertFails(ErrorCode.PERMISSION_DENIED, () -> rooms(people.bob()).destroyVideoRoom(destroy));
        rooms(people.alice()).destroyVideoRoom(destroy);
        assertThat(exists(room)).isFalse();
        assertFails(ErrorCode.ROOM_NOT_FOUND, () -> rooms(people.bob()).joinVideoRoom(join(room, "Bob")));
        assertFails(ErrorCode.ROOM_NOT_FOUND, () -> rooms(people.alice()).getVideoRoom(get(room)));
        assertFails(ErrorCode.ROOM_NOT_FOUND, () -> rooms(people.alice()).destroyVideoRoom(destroy));
    }

    @Test
    void badInputsAreRefusedAndLoseNothing() {
        VideoRoom room = create(people.alice(), "inputs");
        assertFails(ErrorCode.INVALID_DISPLAY_NAME,
                    () -> rooms(people.bob()).joinVideoRoom(join(room, "x".repeat(65))));
        assertFails(ErrorCode.INVALID_DISPLAY_NAME, () -> rooms(people.bob()).joinVideoRoom(join(room, "")));
        assertFails(ErrorCode.INVALID_ID, () -> rooms(people.bob()).getVideoRoom(GetVideoRoomRequest.newBuilder()
                .setRoomId(-3).build()));
        assertFails(ErrorCode.ROOM_NOT_FOUND, () -> rooms(people.bob()).getVideoRoom(GetVideoRoomRequest.newBuilder()
                .setRoomId(42).build()));
        assertFails(ErrorCode.PARTICIPANT_NOT_FOUND, () -> rooms(people.alice()).kickParticipant(
                KickParticipantRequest.newBuilder().setRoomId(room.getRoomId()).setParticipantId(12345).build()));
        assertFails(ErrorCode.INVALID_DESCRIPTION, () -> rooms(people.alice()).createVideoRoom(
                CreateVideoRoomRequest.newBuilder().setDescription("d".repeat(201)).build()));
        assertFails(ErrorCode.INVALID_REQUEST, () -> rooms(people.alice()).createVideoRoom(
                CreateVideoRoomRequest.newBuilder().setMaxPublishers(65).build()));
        assertFails(ErrorCode.UNAUTHENTICATED, () -> rooms(null).createVideoRoom(
                CreateVideoRoomRequest.getDefaultInstance()));
        assertThat(exists(room)).isTrue();
        assertThat(rooms(people.bob()).joinVideoRoom(join(room, "Bob")).getToken()).isNotEmpty();
    }

    @Test
    void aJanusDownFailsFastAndItsRestartIsSurvived() {
        VideoRoom room = create(people.alice(), "restart");
        JoinVideoRoomResponse joined = rooms(people.bob()).joinVideoRoom(join(room, "Bob"));
        JanusInstance janus = mesh.janusOf(room.getServer().getId());
        janus.stop();
        try {
            long started = System.nanoTime();
            assertFails(ErrorCode.FAILED_CREATE_NEW_SESSION_HANDLE,
                        () -> rooms(people.alice()).getVideoRoom(get(room)));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertFails(ErrorCode.FAILED_CREATE_NEW_SESSION_HANDLE, () -> rooms(people.alice()).destroyVideoRoom(
                    DestroyVideoRoomRequest.newBuilder().setRoomId(room.getRoomId()).build()));
        } finally {
            janus.start();
        }
        // The restarted Janus lost every room: media-svc re-creates it, with its tokens, on first use.
        assertThat(rooms(people.alice()).getVideoRoom(get(room)).getParticipantsList()).isEmpty();
        assertThat(exists(room)).isTrue();
        JanusProbe probe = probe(room);
        long handle = probe.attach(JanusClient.VIDEOROOM);
        assertThat(probe.requestAsync(handle, joinBody(room, joined, joined.getToken())).path("videoroom").asText())
                .isEqualTo("joined");
    }

    @Test
    void aMediaSvcRestartKeepsEveryRoom() {
        VideoRoom room = create(people.alice(), "durable");
        JoinVideoRoomResponse joined = rooms(people.bob()).joinVideoRoom(join(room, "Bob"));
        mesh.restartMediaSvc();
        assertThat(rooms(people.alice()).getVideoRoom(get(room)).getRoom()).isEqualTo(room);
        // The same pass; TURN credentials are issued afresh for each join.
        assertThat(rooms(people.bob()).joinVideoRoom(join(room, "Bob")).toBuilder().clearTurn().build())
                .isEqualTo(joined.toBuilder().clearTurn().build());
        rooms(people.alice()).destroyVideoRoom(DestroyVideoRoomRequest.newBuilder().setRoomId(room.getRoomId())
                .build());
        assertThat(exists(room)).isFalse();
    }

    private static VideoRoom create(String session, String description) {
        return rooms(session).createVideoRoom(CreateVideoRoomRequest.newBuilder().setDescription(description).build())
                             .getRoom();
    }

    private static VideoRoomServiceBlockingStub rooms(String session) {
        return mesh.media(VideoRoomServiceBlockingStub.class, session);
    }

    private static GetVideoRoomRequest get(VideoRoom room) {
        return GetVideoRoomRequest.newBuilder().setRoomId(room.getRoomId()).build();
    }

    private static JoinVideoRoomRequest join(VideoRoom room, String display) {
        return JoinVideoRoomRequest.newBuilder().setRoomId(room.getRoomId()).setDisplay(display).build();
    }

    private static JanusProbe probe(VideoRoom room) {
        return new JanusProbe(mesh.janusOf(room.getServer().getId()).apiUrl());
    }

    private static boolean exists(VideoRoom room) {
        JanusProbe probe = probe(room);
        ObjectNode body = JanusProbe.body("exists");
        body.put("room", room.getRoomId());
        return probe.request(probe.attach(JanusClient.VIDEOROOM), body).path("exists").asBoolean();
    }

    private static JsonNode participants(JanusProbe probe, VideoRoom room) {
        ObjectNode body = JanusProbe.body("listparticipants");
        body.put("room", room.getRoomId());
        return probe.request(probe.attach(JanusClient.VIDEOROOM), body).path("participants");
    }

    /** The room as Janus lists it to its operator (with the admin key: rooms are private). */
    private static JsonNode janusRoom(VideoRoom room) {
        JanusProbe probe = probe(room);
        ObjectNode list = JanusProbe.body("list");
        list.put("admin_key", mesh.janusConfig(serverOf(room).getRole()).getVideoroom().getAdminKey());
        for (JsonNode listed : probe.request(probe.attach(JanusClient.VIDEOROOM), list).path("list")) {
            if (listed.path("room").asLong() == room.getRoomId()) {
                return listed;
            }
        }
        throw new AssertionError("Janus does not list room " + room.getRoomId());
    }

    private static MediaServer serverOf(VideoRoom room) {
        return mesh.servers().stream().filter(s -> s.getId() == room.getServer().getId()).findFirst().orElseThrow();
    }

    private static List<Long> bans(VideoRoom room) {
        return mesh.mediaDatabase().dsl().select(ROOM_BANS.USER_ID).from(ROOM_BANS)
                   .where(ROOM_BANS.ROOM_ID.eq(room.getRoomId())).fetch(ROOM_BANS.USER_ID);
    }

    private static List<Long> participantIds(JanusProbe probe, VideoRoom room) {
        List<Long> ids = new ArrayList<>();
        participants(probe, room).forEach(p -> ids.add(p.path("id").asLong()));
        return ids;
    }

    /** Joins on a handle of its own: Janus admits it, then it is kicked (it leaves the room's list). */
    private static void assertImpostorKicked(JanusProbe probe, VideoRoom room, ObjectNode join, long id) {
        assertThat(probe.requestAsync(probe.attach(JanusClient.VIDEOROOM), join).path("videoroom").asText())
                .isEqualTo("joined");
        Await.until("participant " + id + " is kicked", Duration.ofSeconds(10),
                    () -> !participantIds(probe, room).contains(id));
    }

    private static ObjectNode join(VideoRoom room, String token, long id, String display) {
        ObjectNode body = JanusProbe.body("join");
        body.put("ptype", "publisher");
        body.put("room", room.getRoomId());
        body.put("id", id);
        body.put("display", display);
        body.put("token", token);
        return body;
    }

    private static ObjectNode joinBody(VideoRoom room, JoinVideoRoomResponse joined, String token) {
        ObjectNode body = JanusProbe.body("join");
        body.put("ptype", "publisher");
        body.put("room", room.getRoomId());
        body.put("id", joined.getParticipantId());
        body.put("display", "Bob");
        body.put("token", token);
        return body;
    }
}
