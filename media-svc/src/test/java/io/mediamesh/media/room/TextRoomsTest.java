package io.mediamesh.media.room;

import static io.mediamesh.media.testing.GrpcFailures.assertFails;
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
import io.mediamesh.api.v1.PostAnnouncementRequest;
import io.mediamesh.api.v1.SetTextRoomRecordingRequest;
import io.mediamesh.api.v1.TextRoom;
import io.mediamesh.api.v1.TextRoomEventType;
import io.mediamesh.api.v1.TextRoomMessage;
import io.mediamesh.api.v1.TextRoomServiceGrpc.TextRoomServiceBlockingStub;
import io.mediamesh.media.janus.JanusClient;
import io.mediamesh.media.testing.JanusProbe;
import io.mediamesh.media.testing.RoomMesh;
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

        mesh.restartMediaSvc();
        DestroyTextRoomRequest destroy = DestroyTextRoomRequest.newBuilder().setRoomId(room.getRoomId()).build();
        assertFails(ErrorCode.PERMISSION_DENIED, () -> rooms(bob).destroyTextRoom(destroy));
        rooms(alice).destroyTextRoom(destroy);
        assertThat(exists(room)).isFalse();
        assertFails(ErrorCode.ROOM_NOT_FOUND, () -> rooms(bob).joinTextRoom(
                JoinTextRoomRequest.newBuilder().setRoomId(room.getRoomId()).setDisplay("Bob").build()));
    }

    private static void announce(TextRoom room, String text) {
        rooms(alice).postAnnouncement(PostAnnouncementRequest.newBuilder().setRoomId(room.getRoomId()).setText(text)
                                                             .build());
    }

    /** Janus posts asynchronously: waits until the transcript holds {@code count} messages. */
    private static List<TextRoomMessage> awaitTranscript(TextRoom room, int count) throws InterruptedException {
        GetTranscriptRequest request = GetTranscriptRequest.newBuilder().setRoomId(room.getRoomId()).build();
        long until = System.nanoTime() + 5_000_000_000L;
        List<TextRoomMessage> messages = List.of();
        while (System.nanoTime() < until) {
            messages = rooms(alice).getTranscript(request).getMessagesList();
            if (messages.size() >= count) {
                break;
            }
            Thread.sleep(50);
        }
        // Whatever else was posted has had time to arrive too.
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
