package io.mediamesh.media.room;

import static io.mediamesh.common.testing.GrpcAssertions.assertFails;
import static io.mediamesh.media.db.Tables.ROOMS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediamesh.api.v1.CreateTextRoomRequest;
import io.mediamesh.api.v1.DestroyTextRoomRequest;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetTextRoomRequest;
import io.mediamesh.api.v1.GetTranscriptRequest;
import io.mediamesh.api.v1.JoinTextRoomRequest;
import io.mediamesh.api.v1.JoinTextRoomResponse;
import io.mediamesh.api.v1.KickTextRoomParticipantRequest;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.PostAnnouncementRequest;
import io.mediamesh.api.v1.SetTextRoomRecordingRequest;
import io.mediamesh.api.v1.TextRoom;
import io.mediamesh.api.v1.TextRoomEventType;
import io.mediamesh.api.v1.TextRoomMessage;
import io.mediamesh.api.v1.TextRoomServiceGrpc.TextRoomServiceBlockingStub;
import io.mediamesh.api.v1.UnbanTextRoomUserRequest;
import io.mediamesh.common.testing.Await;
import io.mediamesh.media.janus.JanusClient;
import io.mediamesh.media.testing.JanusProbe;
import io.mediamesh.media.testing.RoomMesh;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Text rooms on real Janus; the transcript is recorded through Janus's post backend. */
class TextRoomsTest {
    @RegisterExtension
    static final RoomMesh mesh = new RoomMesh();

    static String alice;
    static String bob;

    @BeforeAll
    static void users() {
        alice = mesh.userSession("alice");
        bob = mesh.userSession("bob");
    }

    @Test
    void announcementsAreRecordedOnlyWhileRecordingIsOn() throws Exception {
        TextRoom room = rooms(alice).createTextRoom(CreateTextRoomRequest.newBuilder().setDescription("chat")
                                                                         .setRecord(true).setHistory(5).build())
                                    .getRoom();
        assertThat(exists(room)).isTrue();
        announce(room, "first");
        List<TextRoomMessage> first = awaitTranscript(room, 1);
        assertThat(first).singleElement().satisfies(m -> {
            assertThat(m.getText()).isEqualTo("first");
            assertThat(m.getType()).isEqualTo(TextRoomEventType.TEXT_ROOM_EVENT_TYPE_ANNOUNCEMENT);
            assertThat(m.getSenderDisplay()).as("an announcement has no sender").isEmpty();
        });

        rooms(alice).setTextRoomRecording(SetTextRoomRecordingRequest.newBuilder().setRoomId(room.getRoomId())
                                                                     .setEnabled(false).build());
        announce(room, "unrecorded");
        rooms(alice).setTextRoomRecording(SetTextRoomRecordingRequest.newBuilder().setRoomId(room.getRoomId())
                                                                     .setEnabled(true).build());
        announce(room, "third");
        assertThat(awaitTranscript(room, 2)).extracting(TextRoomMessage::getText).containsExactly("first", "third");

        GetTranscriptRequest transcript = GetTranscriptRequest.newBuilder().setRoomId(room.getRoomId()).build();
        assertFails(ErrorCode.PERMISSION_DENIED, () -> rooms(bob).getTranscript(transcript));
        assertFails(ErrorCode.PERMISSION_DENIED, () -> rooms(bob).postAnnouncement(
                PostAnnouncementRequest.newBuilder().setRoomId(room.getRoomId()).setText("x").build()));
        assertFails(ErrorCode.INVALID_REQUEST, () -> rooms(alice).postAnnouncement(
                PostAnnouncementRequest.newBuilder().setRoomId(room.getRoomId()).setText("").build()));
    }

    @Test
    void joinKickAndDestroy() {
        TextRoom room = rooms(alice).createTextRoom(CreateTextRoomRequest.newBuilder().setDescription("k").build())
                                    .getRoom();
        JoinTextRoomResponse joined = rooms(bob).joinTextRoom(JoinTextRoomRequest.newBuilder()
                                                                                .setRoomId(room.getRoomId())
                                                                                .setDisplay("Bob").build());
        assertThat(joined.getUsername()).isNotEmpty();
        assertThat(joined.getToken()).isNotEmpty();
        assertThat(rooms(bob).getTextRoom(GetTextRoomRequest.newBuilder().setRoomId(room.getRoomId()).build())
                             .getParticipantsList()).isEmpty();
        assertFails(ErrorCode.INVALID_DISPLAY_NAME, () -> rooms(bob).joinTextRoom(
                JoinTextRoomRequest.newBuilder().setRoomId(room.getRoomId()).setDisplay("b".repeat(65)).build()));

        KickTextRoomParticipantRequest kick = KickTextRoomParticipantRequest.newBuilder()
                                                                            .setRoomId(room.getRoomId())
                                                                            .setUsername(joined.getUsername()).build();
        assertFails(ErrorCode.PERMISSION_DENIED, () -> rooms(bob).kickTextRoomParticipant(kick));
        // Bob holds a token but is not connected (that needs a DataChannel): his token is revoked.
        rooms(alice).kickTextRoomParticipant(kick);
        assertFails(ErrorCode.PARTICIPANT_NOT_FOUND, () -> rooms(alice).kickTextRoomParticipant(kick));
        assertFails(ErrorCode.PARTICIPANT_NOT_FOUND, () -> rooms(alice).kickTextRoomParticipant(
                kick.toBuilder().setUsername("stranger").build()));
        // Kicked is banned: no new token until the owner lifts the ban.
        JoinTextRoomRequest again = JoinTextRoomRequest.newBuilder().setRoomId(room.getRoomId()).setDisplay("Bob")
                                                       .build();
        assertFails(ErrorCode.ROOM_BANNED, () -> rooms(bob).joinTextRoom(again));
        UnbanTextRoomUserRequest unban = UnbanTextRoomUserRequest.newBuilder().setRoomId(room.getRoomId())
                                                                 .setUserId(mesh.userId(bob)).build();
        assertFails(ErrorCode.PERMISSION_DENIED, () -> rooms(bob).unbanTextRoomUser(unban));
        rooms(alice).unbanTextRoomUser(unban);
        assertThat(rooms(bob).joinTextRoom(again).getToken()).isNotEqualTo(joined.getToken());

        mesh.restartMediaSvc();
        DestroyTextRoomRequest destroy = DestroyTextRoomRequest.newBuilder().setRoomId(room.getRoomId()).build();
        assertFails(ErrorCode.PERMISSION_DENIED, () -> rooms(bob).destroyTextRoom(destroy));
        rooms(alice).destroyTextRoom(destroy);
        assertThat(exists(room)).isFalse();
        assertFails(ErrorCode.ROOM_NOT_FOUND, () -> rooms(bob).joinTextRoom(
                JoinTextRoomRequest.newBuilder().setRoomId(room.getRoomId()).setDisplay("Bob").build()));
    }

    @Test
    void janusListsNoRoomToAnyoneWithoutItsAdminKey() {
        TextRoom room = rooms(alice).createTextRoom(CreateTextRoomRequest.newBuilder().setDescription("hidden").build())
                                    .getRoom();
        JanusProbe probe = new JanusProbe(mesh.janusOf(room.getServer().getId()).apiUrl());
        assertThat(probe.request(probe.attach(JanusClient.TEXTROOM), JanusProbe.body("list")).path("list"))
                .extracting(listed -> listed.path("room").asLong()).doesNotContain(room.getRoomId());
        assertThat(exists(room)).isTrue();
    }

    @Test
    void thePostBackendRefusesWhatItCannotStoreWith400AndCountsEveryLoss() throws Exception {
        TextRoom room = rooms(alice).createTextRoom(CreateTextRoomRequest.newBuilder().setDescription("posts")
                                                                         .setRecord(true).build()).getRoom();
        String postToken = mesh.mediaDatabase().dsl().select(ROOMS.POST_TOKEN).from(ROOMS)
                               .where(ROOMS.ID.eq(room.getRoomId())).fetchOne(ROOMS.POST_TOKEN);
        String url = "http://" + mesh.mediaEndpoint() + "/janus/textroom/" + room.getRoomId() + '/' + postToken;
        double invalidBefore = dropped("invalid");
        long id = room.getRoomId();
        String longest = "t".repeat(TextRoomPostBackend.MAX_TEXT_LENGTH);
        String[] refused = {
                message(id, "u1", "t".repeat(TextRoomPostBackend.MAX_TEXT_LENGTH + 1)),
                message(id, "u".repeat(65), "hi"),
                "{\"textroom\":\"message\",\"room\":" + id + ",\"from\":\"u1\",\"text\":42}",
                "{\"textroom\":\"message\",\"room\":" + id + ",\"from\":\"u1\",\"text\":\"hi\",\"tos\":\"u2\"}",
                "{\"textroom\":\"message\",\"room\":" + id + ",\"from\":\"u1\",\"text\":\"hi\",\"tos\":[" +
                String.join(",", Collections.nCopies(40, '"' + "r".repeat(60) + '"')) + "]}",
                "{\"textroom\":\"whisper\",\"room\":" + id + ",\"from\":\"u1\",\"text\":\"hi\"}",
                message(id + 1, "u1", "hi"),
                message(id, "u1", "bell\\u0007"),
                "not json"};
        for (String body : refused) {
            HttpResponse<String> answer = post(url, body);
            assertThat(answer.statusCode()).as(body.substring(0, Math.min(80, body.length()))).isEqualTo(400);
            assertThat(answer.body()).contains("\"code\":\"INVALID_REQUEST\"");
        }
        assertThat(dropped("invalid") - invalidBefore).isEqualTo(refused.length);
        double unknownBefore = dropped("unknown_room");
        assertThat(post(url + "x", message(id, "u1", "hi")).statusCode()).isEqualTo(404);
        assertThat(dropped("unknown_room") - unknownBefore).isEqualTo(1);

        // What fits is kept, up to the longest text; nothing of the refused ones is.
        assertThat(post(url, message(id, "u".repeat(64), longest)).statusCode()).isEqualTo(200);
        assertThat(post(url, "{\"textroom\":\"message\",\"room\":" + id + ",\"from\":\"u1\",\"text\":\"psst\"," +
                             "\"to\":\"u2\",\"date\":\"2024-05-01T10:00:00+0000\"}").statusCode()).isEqualTo(200);
        List<TextRoomMessage> kept = rooms(alice).getTranscript(GetTranscriptRequest.newBuilder().setRoomId(id).build())
                                                 .getMessagesList();
        assertThat(kept).extracting(TextRoomMessage::getText).containsExactly(longest, "psst");
        assertThat(kept.get(1).getRecipientsList()).containsExactly("u2");
        assertThat(kept.get(1).getSentAt().getSeconds()).isEqualTo(1714557600L);
    }

    @Test
    void theEventsBackendTakesPostsOnlyWithItsServersToken() throws Exception {
        MediaServer server = mesh.servers().get(0);
        String token = mesh.janusConfig(server.getRole()).getEvents().getToken();
        String base = "http://" + mesh.mediaEndpoint() + "/janus/events/";
        assertThat(post(base + server.getId() + "/not-the-token", "[]").statusCode()).isEqualTo(404);
        assertThat(post(base + "4242/" + token, "[]").statusCode()).isEqualTo(404);
        assertThat(post(base + server.getId() + '/' + token, "nope").statusCode()).isEqualTo(400);
        assertThat(post(base + server.getId() + '/' + token, "[]").statusCode()).isEqualTo(200);
    }

    private static String message(long room, String from, String text) {
        return "{\"textroom\":\"message\",\"room\":" + room + ",\"from\":\"" + from + "\",\"text\":\"" + text + "\"}";
    }

    private static HttpResponse<String> post(String url, String body) throws Exception {
        return RoomMesh.http().send(HttpRequest.newBuilder(URI.create(url))
                                                          .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                               HttpResponse.BodyHandlers.ofString());
    }

    /** media-svc's count of lost posts for {@code reason}, from its /metrics. */
    private static double dropped(String reason) throws Exception {
        String metrics = mesh.mediaMetrics();
        return metrics.lines().filter(line -> line.startsWith("mediamesh_media_textroom_posts_dropped_total{") &&
                                              line.contains("reason=\"" + reason + '"'))
                      .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                      .sum();
    }

    private static void announce(TextRoom room, String text) {
        rooms(alice).postAnnouncement(PostAnnouncementRequest.newBuilder().setRoomId(room.getRoomId()).setText(text)
                                                             .build());
    }

    /** Janus posts asynchronously: waits until the transcript holds {@code count} messages. */
    private static List<TextRoomMessage> awaitTranscript(TextRoom room, int count) throws InterruptedException {
        GetTranscriptRequest request = GetTranscriptRequest.newBuilder().setRoomId(room.getRoomId()).build();
        Await.until(count + " messages are in the transcript", Duration.ofSeconds(5),
                    () -> rooms(alice).getTranscript(request).getMessagesCount() >= count);
        // On purpose: time for whatever else was posted (what must not be kept) to arrive too.
        Thread.sleep(300);
        return rooms(alice).getTranscript(request).getMessagesList();
    }

    private static TextRoomServiceBlockingStub rooms(String session) {
        return mesh.media(TextRoomServiceBlockingStub.class, session);
    }

    private static boolean exists(TextRoom room) {
        JanusProbe probe = new JanusProbe(mesh.janusOf(room.getServer().getId()).apiUrl());
        ObjectNode body = JanusProbe.body("exists");
        body.put("room", room.getRoomId());
        return probe.request(probe.attach(JanusClient.TEXTROOM), body).path("exists").asBoolean();
    }
}
