package io.mediamesh.media.room;

import static io.mediamesh.common.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.api.v1.CreateVideoRoomRequest;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.ListRecordingsRequest;
import io.mediamesh.api.v1.ListRecordingsResponse;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.SetVideoRoomRecordingRequest;
import io.mediamesh.api.v1.VideoRoom;
import io.mediamesh.api.v1.VideoRoomRecording;
import io.mediamesh.api.v1.VideoRoomServiceGrpc.VideoRoomServiceBlockingStub;
import io.mediamesh.media.testing.NginxInstance;
import io.mediamesh.media.testing.RemotePublishers;
import io.mediamesh.media.testing.RoomMesh;
import io.mediamesh.media.testing.RoomPeople;
import io.mediamesh.media.testing.RtpPackets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A video room's recordings, made by a real Janus from RTP sent to a remote publisher, listed by
 * media-svc through a real nginx running the file config-svc renders for the room's server, which
 * serves nothing without a link media-svc signed.
 */
class VideoRoomRecordingsTest {
    // Short, so that a test can watch a link expire.
    private static final Duration LINK_TTL = Duration.ofSeconds(3);

    @RegisterExtension
    static final RoomMesh mesh = new RoomMesh().withNginx().with("mediamesh.media-svc.rooms.recording-link-ttl",
                                                                 LINK_TTL.toMillis() + "ms");
    static RemotePublishers publishers;
    private static final int PACKETS = 30;

    static RoomPeople people;

    @BeforeAll
    static void signIn() {
        people = RoomPeople.signIn(mesh);
        publishers = new RemotePublishers(mesh, people.admin());
    }

    @Test
    void recordingsAreListedNewestFirstPageByPageAndServedByNginx() throws Exception {
        VideoRoom room = create(people.alice());
        assertThat(list(people.alice(), room, 0, "").getRecordingsList()).isEmpty();
        long publisher = 4242;
        int port = publishers.addRemotePublisher(room, publisher).port();
        record(room, port);
        record(room, port);

        List<VideoRoomRecording> all = list(people.alice(), room, 100, "").getRecordingsList();
        // Two sessions of an audio and a video stream, each its own file, newest first.
        assertThat(all).hasSize(4);
        assertThat(all).extracting(VideoRoomRecording::getMedia).containsOnly("audio", "video");
        assertThat(all).allSatisfy(file -> {
            assertThat(file.getParticipantId()).isEqualTo(publisher);
            assertThat(file.getFileName()).startsWith("videoroom-" + room.getRoomId() + "-user-" + publisher + '-')
                                          .endsWith(".mjr");
            assertThat(file.getSize()).isPositive();
            assertThat(file.getModifiedAt().getSeconds()).isPositive();
        });
        List<Long> started = all.stream().map(file -> Long.parseLong(file.getFileName().split("-")[4])).toList();
        assertThat(started).isSortedAccordingTo((a, b) -> Long.compare(b, a));

        // Pages of one file each walk the same list, then stop (links are signed anew on each call).
        List<String> names = names(all);
        List<String> paged = new ArrayList<>();
        String cursor = "";
        do {
            ListRecordingsResponse page = list(people.alice(), room, 1, cursor);
            assertThat(page.getRecordingsList()).hasSize(1);
            paged.addAll(names(page.getRecordingsList()));
            cursor = page.getNextCursor();
        } while (!cursor.isEmpty());
        assertThat(paged).isEqualTo(names);
        ListRecordingsResponse firstThree = list(people.admin(), room, 3, "");
        assertThat(names(firstThree.getRecordingsList())).isEqualTo(names.subList(0, 3));
        assertThat(names(list(people.admin(), room, 3, firstThree.getNextCursor()).getRecordingsList()))
                .isEqualTo(names.subList(3, 4));

        // The URL is nginx's, on the room's server, signed for the file, and serves the file itself.
        VideoRoomRecording newest = all.get(0);
        assertThat(newest.getUrl()).startsWith(serverOf(room).getEndpoints().getRecordingsUrl() + room.getRoomId() +
                                               '/' + newest.getFileName() + "?md5=")
                                   .contains("&expires=" + newest.getUrlExpiresAt().getSeconds());
        HttpResponse<byte[]> download = get(newest.getUrl());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).hasSize((int) newest.getSize());
        Path downloaded = mesh.dir().resolve(newest.getFileName());
        Files.write(downloaded, download.body());
        assertThat(RtpPackets.countInRecording(downloaded)).isEqualTo(PACKETS);
    }

    @Test
    void nginxServesOnlyUnexpiredLinksSignedForTheFile() throws Exception {
        VideoRoom room = create(people.alice());
        record(room, publishers.addRemotePublisher(room, 4343).port());
        VideoRoom other = create(people.alice());
        record(other, publishers.addRemotePublisher(other, 4344).port());
        String folder = serverOf(room).getEndpoints().getRecordingsUrl() + room.getRoomId() + '/';

        VideoRoomRecording file = list(people.alice(), room, 1, "").getRecordings(0);
        String owners = file.getUrl();
        String admins = list(people.admin(), room, 1, "").getRecordings(0).getUrl();
        assertThat(get(owners).statusCode()).isEqualTo(200);
        assertThat(get(admins).statusCode()).isEqualTo(200);

        // Anonymous: neither the file, nor the folder's listing, nor the location's root.
        String bare = owners.substring(0, owners.indexOf('?'));
        assertThat(get(bare).statusCode()).isEqualTo(403);
        assertThat(get(folder).statusCode()).isEqualTo(403);
        assertThat(get(serverOf(room).getEndpoints().getRecordingsUrl()).statusCode()).isEqualTo(403);
        // Someone else's: no links for them (ListRecordings refuses), and a link is for one file only.
        assertFails(ErrorCode.PERMISSION_DENIED, () -> list(people.bob(), room, 1, ""));
        VideoRoomRecording othersFile = list(people.alice(), other, 1, "").getRecordings(0);
        String query = owners.substring(owners.indexOf('?'));
        assertThat(get(othersFile.getUrl().substring(0, othersFile.getUrl().indexOf('?')) + query).statusCode())
                .isEqualTo(403);
        assertThat(get(folder + query).statusCode()).isEqualTo(403);
        // A later expiry is not this signature's.
        assertThat(get(owners.replace("&expires=" + file.getUrlExpiresAt().getSeconds(),
                                      "&expires=" + (file.getUrlExpiresAt().getSeconds() + 3600))).statusCode())
                .isEqualTo(403);

        // Once expired, the owner's own link is refused too.
        Instant expires = Instant.ofEpochSecond(file.getUrlExpiresAt().getSeconds());
        assertThat(expires).isBetween(Instant.now(), Instant.now().plus(LINK_TTL).plusSeconds(1));
        // nginx compares whole seconds: the link still works during its last second. Waits for the
        // clock on purpose.
        while (!Instant.now().isAfter(expires.plusSeconds(1).plusMillis(100))) {
            Thread.sleep(50);
        }
        assertThat(get(owners).statusCode()).isEqualTo(403);
        assertThat(get(list(people.alice(), room, 1, "").getRecordings(0).getUrl()).statusCode()).isEqualTo(200);
    }

    @Test
    void onlyTheOwnerOrAnAdminListsAndBadRequestsAreRefused() {
        VideoRoom room = create(people.alice());
        assertThat(list(people.admin(), room, 0, "").getRecordingsList()).isEmpty();
        assertFails(ErrorCode.PERMISSION_DENIED, () -> list(people.bob(), room, 0, ""));
        assertFails(ErrorCode.UNAUTHENTICATED, () -> list(null, room, 0, ""));
        assertFails(ErrorCode.ROOM_NOT_FOUND, () -> rooms(people.alice()).listRecordings(
                ListRecordingsRequest.newBuilder().setRoomId(42).build()));
        assertFails(ErrorCode.INVALID_ID, () -> rooms(people.alice()).listRecordings(
                ListRecordingsRequest.newBuilder().setRoomId(-1).build()));
        assertFails(ErrorCode.INVALID_PAGINATION, () -> list(people.alice(), room, 101, ""));
        assertFails(ErrorCode.INVALID_PAGINATION, () -> list(people.alice(), room, 0, "not-a-cursor"));
    }

    @Test
    void anNginxThatIsDownMakesTheListUnavailableUntilItIsBack() {
        VideoRoom room = create(people.alice());
        NginxInstance server = mesh.nginxOf(room.getServer().getId());
        server.stop();
        try {
            String why = assertFails(ErrorCode.SERVICE_UNAVAILABLE, () -> list(people.alice(), room, 0, ""));
            // nginx's internal URL is for the log only.
            assertThat(why).doesNotContain("http://", "127.0.0.1");
        } finally {
            server.start();
        }
        assertThat(list(people.alice(), room, 0, "").getRecordingsList()).isEmpty();
    }

    private static HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                                               HttpResponse.BodyHandlers.ofByteArray());
    }

    private static List<String> names(List<VideoRoomRecording> files) {
        return files.stream().map(VideoRoomRecording::getFileName).toList();
    }

    private static VideoRoom create(String session) {
        return rooms(session).createVideoRoom(CreateVideoRoomRequest.newBuilder().setDescription("recorded").build())
                             .getRoom();
    }

    private static ListRecordingsResponse list(String session, VideoRoom room, int limit, String cursor) {
        return rooms(session).listRecordings(ListRecordingsRequest.newBuilder().setRoomId(room.getRoomId())
                                                                  .setLimit(limit).setCursor(cursor).build());
    }

    private static VideoRoomServiceBlockingStub rooms(String session) {
        return mesh.media(VideoRoomServiceBlockingStub.class, session);
    }

    private static MediaServer serverOf(VideoRoom room) {
        return mesh.servers().stream().filter(s -> s.getId() == room.getServer().getId()).findFirst().orElseThrow();
    }

    /** One recording session: recording on through media-svc, media in, recording off (files closed). */
    private static void record(VideoRoom room, int port) {
        SetVideoRoomRecordingRequest on = SetVideoRoomRecordingRequest.newBuilder().setRoomId(room.getRoomId())
                                                                      .setEnabled(true).build();
        rooms(people.alice()).setVideoRoomRecording(on);
        // SSRC 1000 + 10 * mindex tells the remote publisher's streams apart.
        RtpPackets.send("127.0.0.1", port, List.of(new RtpPackets.Line(1000, 111), new RtpPackets.Line(1010, 96)),
                        PACKETS, 2000);
        rooms(people.alice()).setVideoRoomRecording(on.toBuilder().setEnabled(false).build());
    }
}
