package io.mediamesh.media.room;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediamesh.api.v1.CreateTextRoomRequest;
import io.mediamesh.api.v1.CreateVideoRoomRequest;
import io.mediamesh.api.v1.GetTextRoomRequest;
import io.mediamesh.api.v1.GetTranscriptRequest;
import io.mediamesh.api.v1.GetVideoRoomRequest;
import io.mediamesh.api.v1.JoinTextRoomRequest;
import io.mediamesh.api.v1.JoinVideoRoomRequest;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.PostAnnouncementRequest;
import io.mediamesh.api.v1.TextRoom;
import io.mediamesh.api.v1.TextRoomServiceGrpc.TextRoomServiceBlockingStub;
import io.mediamesh.api.v1.VideoRoom;
import io.mediamesh.api.v1.VideoRoomServiceGrpc.VideoRoomServiceBlockingStub;
import io.mediamesh.common.testing.Await;
import io.mediamesh.media.janus.JanusClient;
import io.mediamesh.media.testing.JanusInstance;
import io.mediamesh.media.testing.JanusProbe;
import io.mediamesh.media.testing.RoomMesh;
import io.mediamesh.media.testing.RoomPeople;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rooms a restarted Janus forgot come back without any request: media-svc's reconciler re-creates
 * them from their records, checked through Janus's own API.
 */
class RoomReconciliationTest {
    @RegisterExtension
    static final RoomMesh mesh = new RoomMesh().with("mediamesh.media-svc.rooms.reconcile-interval", "300ms");

    static RoomPeople people;

    @BeforeAll
    static void signIn() {
        people = RoomPeople.signIn(mesh);
    }

    @Test
    void roomsLostByRestartedJanusAreBackAtStartWithSecretsTokensAndPostBackend() throws Exception {
        VideoRoom video = videoRooms(people.alice()).createVideoRoom(CreateVideoRoomRequest.newBuilder()
                .setDescription("v").setRecord(true).build()).getRoom();
        TextRoom text = textRooms(people.alice()).createTextRoom(CreateTextRoomRequest.newBuilder()
                .setDescription("t").setRecord(true).build()).getRoom();
        String videoToken = videoRooms(people.bob()).joinVideoRoom(JoinVideoRoomRequest.newBuilder()
                .setRoomId(video.getRoomId()).setDisplay("Bob").build()).getToken();
        String textToken = textRooms(people.bob()).joinTextRoom(JoinTextRoomRequest.newBuilder()
                .setRoomId(text.getRoomId()).setDisplay("Bob").build()).getToken();
        String videoSecret = videoRooms(people.admin()).getVideoRoom(GetVideoRoomRequest.newBuilder()
                .setRoomId(video.getRoomId()).build()).getRoom().getSecret();
        String textSecret = textRooms(people.admin()).getTextRoom(GetTextRoomRequest.newBuilder()
                .setRoomId(text.getRoomId()).build()).getRoom().getSecret();

        mesh.stopMediaSvc();
        for (MediaServer server : mesh.servers()) {
            mesh.janusOf(server.getId()).restart();
        }
        assertThat(exists(JanusClient.VIDEOROOM, video.getServer().getId(), video.getRoomId())).isFalse();
        assertThat(exists(JanusClient.TEXTROOM, text.getServer().getId(), text.getRoomId())).isFalse();
        // A room media-svc does not know, made on Janus by someone else: left alone.
        long foreign = 9_000_000_001L;
        ObjectNode create = JanusProbe.body("create");
        create.put("room", foreign);
        create.put("admin_key", mesh.janusConfig(serverOf(video.getServer().getId()).getRole()).getVideoroom()
                                    .getAdminKey());
        JanusProbe probe = probe(video.getServer().getId());
        assertThat(probe.request(probe.attach(JanusClient.VIDEOROOM), create).path("videoroom").asText())
                .isEqualTo("created");

        mesh.startMediaSvc();
        // No request reaches media-svc until both rooms are back.
        await(() -> exists(JanusClient.VIDEOROOM, video.getServer().getId(), video.getRoomId()) &&
                    exists(JanusClient.TEXTROOM, text.getServer().getId(), text.getRoomId()));
        assertThat(exists(JanusClient.VIDEOROOM, video.getServer().getId(), foreign)).isTrue();

        // The stored secret opens them, and their allowed lists hold the tokens handed out.
        assertThat(allowed(JanusClient.VIDEOROOM, video.getServer().getId(), video.getRoomId(), videoSecret))
                .containsExactly(videoToken);
        assertThat(allowed(JanusClient.TEXTROOM, text.getServer().getId(), text.getRoomId(), textSecret))
                .containsExactly(textToken);
        JsonNode listed = listed(JanusClient.VIDEOROOM, video.getServer().getId(), video.getRoomId());
        assertThat(listed.path("record").asBoolean()).isTrue();
        assertThat(listed.path("rec_dir").asText())
                .isEqualTo(serverOf(video.getServer().getId()).getEndpoints().getJanusRecDir() + '/' +
                           video.getRoomId());
        // The text room posts to media-svc again: an announcement lands in the transcript.
        textRooms(people.alice()).postAnnouncement(PostAnnouncementRequest.newBuilder().setRoomId(text.getRoomId())
                                                                          .setText("back").build());
        GetTranscriptRequest transcript = GetTranscriptRequest.newBuilder().setRoomId(text.getRoomId()).build();
        await(() -> textRooms(people.alice()).getTranscript(transcript).getMessagesCount() == 1);
    }

    @Test
    void aStoredRoomJanusListsPubliclyIsMadePrivate() throws Exception {
        VideoRoom room = videoRooms(people.alice()).createVideoRoom(CreateVideoRoomRequest.newBuilder()
                .setDescription("old").build()).getRoom();
        String secret = videoRooms(people.admin()).getVideoRoom(GetVideoRoomRequest.newBuilder()
                .setRoomId(room.getRoomId()).build()).getRoom().getSecret();
        // As a room made before rooms were private.
        ObjectNode edit = JanusProbe.body("edit");
        edit.put("room", room.getRoomId());
        edit.put("secret", secret);
        edit.put("new_is_private", false);
        JanusProbe probe = probe(room.getServer().getId());
        assertThat(probe.request(probe.attach(JanusClient.VIDEOROOM), edit).path("videoroom").asText())
                .isEqualTo("edited");
        assertThat(listed(JanusClient.VIDEOROOM, room.getServer().getId(), room.getRoomId()).path("is_private")
                                                                                           .asBoolean()).isFalse();

        await(() -> listed(JanusClient.VIDEOROOM, room.getServer().getId(), room.getRoomId()).path("is_private")
                                                                                             .asBoolean());
    }

    @Test
    void aJanusDownAtStartIsReconciledByALaterPass() throws Exception {
        VideoRoom room = videoRooms(people.alice()).createVideoRoom(CreateVideoRoomRequest.newBuilder()
                .setDescription("late").build()).getRoom();
        JanusInstance janus = mesh.janusOf(room.getServer().getId());
        mesh.stopMediaSvc();
        janus.stop();
        mesh.startMediaSvc();
        // The first passes find this Janus down (each fails within the 1 s deadline) and go on:
        // time passes on purpose, as no pass tells it ran.
        Thread.sleep(1500);
        janus.start();
        await(() -> exists(JanusClient.VIDEOROOM, room.getServer().getId(), room.getRoomId()));
    }

    private static VideoRoomServiceBlockingStub videoRooms(String session) {
        return mesh.media(VideoRoomServiceBlockingStub.class, session);
    }

    private static TextRoomServiceBlockingStub textRooms(String session) {
        return mesh.media(TextRoomServiceBlockingStub.class, session);
    }

    private static MediaServer serverOf(long serverId) {
        return mesh.servers().stream().filter(s -> s.getId() == serverId).findFirst().orElseThrow();
    }

    private static JanusProbe probe(long serverId) {
        return new JanusProbe(mesh.janusOf(serverId).apiUrl());
    }

    private static boolean exists(String plugin, long serverId, long roomId) {
        JanusProbe probe = probe(serverId);
        ObjectNode body = JanusProbe.body("exists");
        body.put("room", roomId);
        return probe.request(probe.attach(plugin), body).path("exists").asBoolean();
    }

    /** The room's entry in Janus's list, as its operator sees it (with the admin key: rooms are private). */
    private static JsonNode listed(String plugin, long serverId, long roomId) {
        JanusProbe probe = probe(serverId);
        MediaServerRole role = mesh.servers().stream().filter(s -> s.getId() == serverId).findFirst().orElseThrow()
                                   .getRole();
        ObjectNode list = JanusProbe.body("list");
        list.put("admin_key", JanusClient.VIDEOROOM.equals(plugin) ? mesh.janusConfig(role).getVideoroom().getAdminKey()
                                                                   : mesh.janusConfig(role).getTextroom().getAdminKey());
        for (JsonNode room : probe.request(probe.attach(plugin), list).path("list")) {
            if (room.path("room").asLong() == roomId) {
                return room;
            }
        }
        throw new AssertionError("Janus does not list room " + roomId);
    }

    /** The room's token list, read with its secret (Janus answers an `allowed` request with it). */
    private static List<String> allowed(String plugin, long serverId, long roomId, String secret) {
        JanusProbe probe = probe(serverId);
        ObjectNode body = JanusProbe.body("allowed");
        body.put("room", roomId);
        body.put("secret", secret);
        body.put("action", "enable");
        JsonNode answer = probe.request(probe.attach(plugin), body);
        assertThat(answer.has("error_code")).as("%s", answer).isFalse();
        List<String> tokens = new ArrayList<>();
        answer.path("allowed").forEach(token -> tokens.add(token.asText()));
        return tokens;
    }

    private static void await(BooleanSupplier condition) {
        Await.until("the reconciler brought Janus in line", Duration.ofSeconds(10), condition);
    }
}
