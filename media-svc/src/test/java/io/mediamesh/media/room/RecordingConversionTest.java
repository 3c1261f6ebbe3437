package io.mediamesh.media.room;

import static io.mediamesh.common.testing.GrpcAssertions.assertFails;
import static io.mediamesh.media.db.Tables.RECORDING_CONVERSIONS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mediamesh.api.v1.CreateVideoRequest;
import io.mediamesh.api.v1.CreateVideoRoomRequest;
import io.mediamesh.api.v1.DeleteVideoFileRequest;
import io.mediamesh.api.v1.DeleteVideoRequest;
import io.mediamesh.api.v1.DestroyVideoRoomRequest;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetVideoRequest;
import io.mediamesh.api.v1.ListRecordingsRequest;
import io.mediamesh.api.v1.ListVideosRequest;
import io.mediamesh.api.v1.RecordingConversion;
import io.mediamesh.api.v1.RecordingConversionState;
import io.mediamesh.api.v1.SetVideoRoomRecordingRequest;
import io.mediamesh.api.v1.Video;
import io.mediamesh.api.v1.VideoFileServiceGrpc.VideoFileServiceBlockingStub;
import io.mediamesh.api.v1.VideoRoom;
import io.mediamesh.api.v1.VideoRoomRecording;
import io.mediamesh.api.v1.VideoRoomServiceGrpc.VideoRoomServiceBlockingStub;
import io.mediamesh.api.v1.VideoServiceGrpc.VideoServiceBlockingStub;
import io.mediamesh.api.v1.VideoState;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.testing.Await;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.time.Times;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.media.db.tables.records.RecordingConversionsRecord;
import io.mediamesh.media.testing.NginxInstance;
import io.mediamesh.media.testing.RemotePublishers;
import io.mediamesh.media.testing.RemotePublishers.RemotePublisher;
import io.mediamesh.media.testing.RoomMesh;
import io.mediamesh.media.testing.RtpPackets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ended recordings become videos of the room's owner: real Janus recording real VP8 and Opus
 * (ffmpeg's test pattern sent as RTP to a remote publisher), the .mjr files fetched through the
 * server's real nginx, converted with the real janus-pp-rec and ffmpeg, stored in the video file
 * store, marked READY in the real user-svc and played with Range from media-svc's file server.
 */
class RecordingConversionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONVERTED = Duration.ofSeconds(60);
    /*
     * janus-pp-rec behind a wrapper that waits first while a marker file exists, so that a test
     * can catch a conversion under way (its video still PENDING, or media-svc stopping mid-run).
     */
    private static final Path TOOLS = tools();
    private static final Path SLOW = TOOLS.resolve("slow");

    @RegisterExtension
    static final RoomMesh mesh = new RoomMesh().withNginx()
            .with("mediamesh.media-svc.rooms.conversion.poll-interval", "200ms")
            .with("mediamesh.media-svc.rooms.conversion.first-retry", "200ms")
            .with("mediamesh.media-svc.rooms.conversion.janus-pp-rec", TOOLS.resolve("janus-pp-rec").toString());

    static String alice;
    static RemotePublishers publishers;

    @BeforeAll
    static void usersAndPublishers() {
        alice = mesh.userSession("alice");
        publishers = new RemotePublishers(mesh, mesh.adminSession());
    }

    @AfterAll
    static void removeTools() throws IOException {
        Files.deleteIfExists(SLOW);
        Files.deleteIfExists(TOOLS.resolve("janus-pp-rec"));
        Files.deleteIfExists(TOOLS);
    }

    @Test
    void anEndedRecordingBecomesAPlayableWebmVideoOfTheOwner() throws Exception {
        VideoRoom room = create("Weekly standup");
        RemotePublisher publisher = publishers.addRemotePublisher(room, 5151);
        Files.writeString(SLOW, "");
        try {
            record(room, publisher);
            // Made before the conversion runs: the owner's video is there, PENDING, until stored.
            Await.until("the video exists", CONVERTED, () -> conversionOf(room, 5151).getVideoId() > 0);
            Video pending = video(conversionOf(room, 5151).getVideoId());
            assertThat(pending.getState()).isEqualTo(VideoState.VIDEO_STATE_PENDING);
            assertThat(pending.getAuthor()).isEqualTo("alice");
            assertThat(pending.getName()).startsWith("Recording of Weekly standup ").endsWith(" UTC");
        } finally {
            Files.deleteIfExists(SLOW);
        }
        Video ready = video(awaitReadyVideo(room, 5151).getVideoId());
        assertThat(ready.getSize()).isPositive();
        // Listed on the owner's page like an upload.
        assertThat(videos().listVideos(ListVideosRequest.newBuilder().setUserName("alice").build()).getVideosList())
                .extracting(Video::getId).contains(ready.getId());
        // Every file of the recording tells it, and the .mjr files are still there.
        List<VideoRoomRecording> files = recordings(room);
        assertThat(files).extracting(VideoRoomRecording::getMedia).containsExactlyInAnyOrder("audio", "video");
        assertThat(files).allSatisfy(file -> assertThat(file.getConversion().getVideoId()).isEqualTo(ready.getId()));

        // Played through the file server: the whole WebM, one video and one audio stream, and a Range.
        HttpResponse<byte[]> whole = play(ready.getId(), null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Content-Type")).hasValue("video/webm");
        assertThat(whole.body()).hasSize((int) ready.getSize());
        Path webm = mesh.dir().resolve("recording-" + ready.getId() + ".webm");
        Files.write(webm, whole.body());
        JsonNode probe = ffprobe(webm);
        assertThat(probe.path("streams")).extracting(s -> s.path("codec_type").asText() + '/' +
                                                          s.path("codec_name").asText())
                                         .containsExactlyInAnyOrder("video/vp8", "audio/opus");
        assertThat(probe.path("format").path("duration").asDouble()).isGreaterThan(0.5);
        HttpResponse<byte[]> range = play(ready.getId(), "bytes=100-299");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 100-299/" + ready.getSize());
        assertThat(range.body()).containsExactly(Arrays.copyOfRange(whole.body(), 100, 300));

        // Deleted like any video: the owner deletes the record, the scheduler's call removes the file.
        TestMeshCa.grpc(TestMeshCa.operator(), mesh.userEndpoint()).setHeader(Callers.SESSION_HEADER, alice)
                   .build(VideoServiceBlockingStub.class)
                   .deleteVideo(DeleteVideoRequest.newBuilder().setVideoId(ready.getId()).build());
        assertThat(play(ready.getId(), null).statusCode()).isEqualTo(404);
        try (MeshTls scheduler = TestMeshCa.tls(Identity.SCHEDULER_SVC)) {
            assertThat(TestMeshCa.grpc(scheduler, mesh.mediaEndpoint())
                                 .build(VideoFileServiceBlockingStub.class)
                                 .deleteVideoFile(DeleteVideoFileRequest.newBuilder().setVideoId(ready.getId()).build())
                                 .getExisted()).isTrue();
        }
        assertThat(recordings(room)).hasSize(2);
    }

    @Test
    void aCorruptRecordingIsReportedFailedWithTheToolsMessageAndKept() throws Exception {
        VideoRoom room = create("Broken");
        RemotePublisher publisher = publishers.addRemotePublisher(room, 6161);
        rooms().setVideoRoomRecording(recording(room, true));
        // A garbage file where Janus writes the room's files, named as Janus names a publisher's video.
        Path folder = mesh.janusOf(room.getServer().getId()).recordings().resolve(Long.toString(room.getRoomId()));
        Files.createDirectories(folder);
        Instant now = Instant.now();
        Path garbage = folder.resolve("videoroom-" + room.getRoomId() + "-user-6262-" +
                                      (now.getEpochSecond() * 1_000_000 + now.getNano() / 1000) + "-video-1.mjr");
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        Files.write(garbage, noise);
        Files.setPosixFilePermissions(garbage, PosixFilePermissions.fromString("rw-r--r--"));
        RtpPackets.sendTestPattern("127.0.0.1", publisher.port(), publisher.rtcpPort(), 2);
        rooms().setVideoRoomRecording(recording(room, false));

        RecordingConversion failed = awaitFinished(room, 6262);
        assertThat(failed.getState()).isEqualTo(RecordingConversionState.RECORDING_CONVERSION_STATE_FAILED);
        assertThat(failed.getError()).startsWith("janus-pp-rec failed (exit code 1): ")
                                     .contains("Invalid header at offset 0 (wrong prefix)")
                                     .doesNotContain("\u001B");
        // Nothing lost: the file is untouched and listed, and the other publisher's video is READY.
        assertThat(Files.readAllBytes(garbage)).isEqualTo(noise);
        assertThat(recordings(room)).extracting(VideoRoomRecording::getFileName)
                                    .contains(garbage.getFileName().toString());
        // One video per publisher, numbered in the recording.
        assertThat(video(awaitReadyVideo(room, 6161).getVideoId()).getName()).startsWith("Recording of Broken ")
                                                                            .endsWith(" #1");
        // The failed publisher's video stays PENDING (its owner may delete it); the failure stays told.
        assertThat(video(failed.getVideoId()).getState()).isEqualTo(VideoState.VIDEO_STATE_PENDING);
        assertThat(video(failed.getVideoId()).getName()).endsWith(" #2");
        // On purpose: time in which a failed conversion must not be tried again.
        Thread.sleep(1000);
        assertThat(conversionOf(room, 6262)).isEqualTo(failed);
    }

    @Test
    void aConversionCutOffByARestartIsTakenAgainAndMakesOneVideo() throws Exception {
        VideoRoom room = create("Restarted");
        RemotePublisher publisher = publishers.addRemotePublisher(room, 7171);
        Files.writeString(SLOW, "");
        long videoId;
        try {
            record(room, publisher);
            Await.until("the conversion runs", CONVERTED, () -> {
                RecordingConversion now = conversionOf(room, 7171);
                return now.getState() == RecordingConversionState.RECORDING_CONVERSION_STATE_RUNNING &&
                       now.getVideoId() > 0;
            });
            videoId = conversionOf(room, 7171).getVideoId();
            // Stops media-svc mid-conversion (janus-pp-rec is waiting), then starts a new one.
            mesh.stopMediaSvc();
        } finally {
            Files.deleteIfExists(SLOW);
        }
        mesh.startMediaSvc();
        RecordingConversion done = awaitReadyVideo(room, 7171);
        assertThat(done.getAttempts()).isEqualTo(2);
        // The same video, filled by the second attempt: no second video for one recording.
        assertThat(done.getVideoId()).isEqualTo(videoId);
        assertThat(videos().listVideos(ListVideosRequest.newBuilder().setUserName("alice").setLimit(100).build())
                           .getVideosList()).filteredOn(v -> v.getName().startsWith("Recording of Restarted"))
                                            .hasSize(1);
    }

    @Test
    void aConversionLeftRunningByADeadProcessIsTakenAgainOnceItsLeaseEnds() throws Exception {
        VideoRoom room = create("Crashed");
        RemotePublisher publisher = publishers.addRemotePublisher(room, 4141);
        Files.writeString(SLOW, "");
        Instant leaseEnds = Instant.now().plusSeconds(15);
        try {
            record(room, publisher);
            Await.until("the conversion runs", CONVERTED, () -> job(room).getState().equals("running"));
            // What a media-svc killed mid-conversion leaves (a graceful stop gives the job back):
            // the job running, its lease not over yet.
            mesh.restartMediaSvc(db -> db.update(RECORDING_CONVERSIONS)
                                         .set(RECORDING_CONVERSIONS.STATE, "running")
                                         .set(RECORDING_CONVERSIONS.LEASE_UNTIL, Times.toDb(leaseEnds))
                                         .where(RECORDING_CONVERSIONS.ROOM_ID.eq(room.getRoomId())).execute());
        } finally {
            Files.deleteIfExists(SLOW);
        }
        // Nobody takes it while its lease lasts: time passes on purpose.
        Thread.sleep(1000);
        assertThat(job(room).getState()).isEqualTo("running");
        assertThat(job(room).getAttempts()).isEqualTo(1);
        RecordingConversion done = awaitReadyVideo(room, 4141);
        assertThat(Instant.now()).isAfter(leaseEnds);
        assertThat(done.getAttempts()).isEqualTo(2);
    }

    @Test
    void aServerWhoseNginxIsDownIsTriedAgainWithBackoffUntilItIsBack() throws Exception {
        VideoRoom room = create("Retried");
        RemotePublisher publisher = publishers.addRemotePublisher(room, 9191);
        NginxInstance nginx = mesh.nginxOf(room.getServer().getId());
        nginx.stop();
        try {
            record(room, publisher);
            // Pending again after each failed attempt, with the reason (no internal address in it).
            Await.until("two attempts failed", CONVERTED, () -> job(room).getAttempts() >= 2 &&
                                                                 job(room).getState().equals("pending"));
            assertThat(job(room).getError()).isEqualTo("The room's recordings cannot be read now.");
        } finally {
            nginx.start();
        }
        assertThat(awaitReadyVideo(room, 9191).getAttempts()).isGreaterThan(2);
    }

    @Test
    void destroyingARecordingRoomConvertsItsRecordingStillListedForItsOwner() throws Exception {
        VideoRoom room = create("Destroyed while recording");
        RemotePublisher publisher = publishers.addRemotePublisher(room, 8181);
        rooms().setVideoRoomRecording(recording(room, true));
        RtpPackets.sendTestPattern("127.0.0.1", publisher.port(), publisher.rtcpPort(), 2);
        rooms().destroyVideoRoom(DestroyVideoRoomRequest.newBuilder().setRoomId(room.getRoomId()).build());
        Predicate<Video> fromThisRoom = v -> v.getName().startsWith("Recording of Destroyed while recording");
        Await.until("the recording is a ready video", CONVERTED, () -> videos().listVideos(
                ListVideosRequest.newBuilder().setUserName("alice").setLimit(100).build()).getVideosList().stream()
                .anyMatch(fromThisRoom.and(v -> v.getState() == VideoState.VIDEO_STATE_READY)));
        // The room is gone, its files are not: its owner still lists them, with what became of them.
        assertThat(recordings(room)).hasSize(2).allSatisfy(file -> assertThat(file.getConversion().getState())
                .isEqualTo(RecordingConversionState.RECORDING_CONVERSION_STATE_DONE));
        String bob = mesh.userSession("bob");
        assertFails(ErrorCode.PERMISSION_DENIED, () -> mesh.media(VideoRoomServiceBlockingStub.class, bob)
                .listRecordings(ListRecordingsRequest.newBuilder().setRoomId(room.getRoomId()).build()));
        assertFails(ErrorCode.ROOM_NOT_FOUND, () -> rooms().listRecordings(
                ListRecordingsRequest.newBuilder().setRoomId(room.getRoomId() + 1).build()));
    }

    @Test
    void onlyMediaSvcsCertificateMakesVideosForSomeoneElse() {
        CreateVideoRequest forAlice = CreateVideoRequest.newBuilder().setUserName("alice").setName("forged").build();
        try (MeshTls gateway = TestMeshCa.tls(Identity.GATEWAY);
             MeshTls scheduler = TestMeshCa.tls(Identity.SCHEDULER_SVC);
             MeshTls media = TestMeshCa.tls(Identity.MEDIA_SVC)) {
            // The gateway carries users' sessions: without one, no one.
            assertFails(ErrorCode.UNAUTHENTICATED, () -> TestMeshCa.grpc(gateway, mesh.userEndpoint())
                    .build(VideoServiceBlockingStub.class).createVideo(forAlice));
            // scheduler-svc neither makes videos nor carries sessions.
            assertFails(ErrorCode.PERMISSION_DENIED, () -> TestMeshCa.grpc(scheduler, mesh.userEndpoint())
                    .build(VideoServiceBlockingStub.class).createVideo(forAlice));
            Video made = TestMeshCa.grpc(media, mesh.userEndpoint()).build(VideoServiceBlockingStub.class)
                                   .createVideo(CreateVideoRequest.newBuilder().setUserName("alice")
                                                                  .setName("by media-svc").build()).getVideo();
            assertThat(made.getAuthor()).isEqualTo("alice");
            assertThat(made.getState()).isEqualTo(VideoState.VIDEO_STATE_PENDING);
        }
    }

    /** One recording: on, a few seconds of media, off. */
    private static void record(VideoRoom room, RemotePublisher publisher) {
        rooms().setVideoRoomRecording(recording(room, true));
        RtpPackets.sendTestPattern("127.0.0.1", publisher.port(), publisher.rtcpPort(), 3);
        rooms().setVideoRoomRecording(recording(room, false));
    }

    private static SetVideoRoomRecordingRequest recording(VideoRoom room, boolean on) {
        return SetVideoRoomRecordingRequest.newBuilder().setRoomId(room.getRoomId()).setEnabled(on).build();
    }

    private static RecordingConversion awaitFinished(VideoRoom room, long participant) {
        Await.until("the conversion of " + participant + " ends", CONVERTED, () -> {
            RecordingConversionState state = conversionOf(room, participant).getState();
            return state == RecordingConversionState.RECORDING_CONVERSION_STATE_DONE ||
                   state == RecordingConversionState.RECORDING_CONVERSION_STATE_FAILED;
        });
        return conversionOf(room, participant);
    }

    /** Waits for the participant's conversion to end, which must have made their video READY. */
    private static RecordingConversion awaitReadyVideo(VideoRoom room, long participant) {
        RecordingConversion done = awaitFinished(room, participant);
        assertThat(done.getState()).isEqualTo(RecordingConversionState.RECORDING_CONVERSION_STATE_DONE);
        assertThat(done.getError()).isEmpty();
        assertThat(video(done.getVideoId()).getState()).isEqualTo(VideoState.VIDEO_STATE_READY);
        return done;
    }

    /** The conversion the room's recordings list tells for a participant's video file. */
    private static RecordingConversion conversionOf(VideoRoom room, long participant) {
        return recordings(room).stream()
                               .filter(f -> f.getParticipantId() == participant && f.getMedia().equals("video"))
                               .findFirst().orElseThrow().getConversion();
    }

    /** The room's (one) conversion job as media-svc's schema holds it. */
    private static RecordingConversionsRecord job(VideoRoom room) {
        return mesh.mediaDatabase().dsl().selectFrom(RECORDING_CONVERSIONS)
                   .where(RECORDING_CONVERSIONS.ROOM_ID.eq(room.getRoomId())).fetchSingle();
    }

    private static List<VideoRoomRecording> recordings(VideoRoom room) {
        return rooms().listRecordings(ListRecordingsRequest.newBuilder().setRoomId(room.getRoomId()).setLimit(100)
                                                           .build()).getRecordingsList();
    }

    private static VideoRoom create(String description) {
        return rooms().createVideoRoom(CreateVideoRoomRequest.newBuilder().setDescription(description).build())
                      .getRoom();
    }

    private static VideoRoomServiceBlockingStub rooms() {
        return mesh.media(VideoRoomServiceBlockingStub.class, alice);
    }

    private static VideoServiceBlockingStub videos() {
        return TestMeshCa.grpc(TestMeshCa.operator(), mesh.userEndpoint()).build(VideoServiceBlockingStub.class);
    }

    private static Video video(long id) {
        return videos().getVideo(GetVideoRequest.newBuilder().setVideoId(id).build()).getVideo();
    }

    private static HttpResponse<byte[]> play(long videoId, String range) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + mesh.fileServerPort() + "/stream/videos/" + videoId));
        if (range != null) {
            request.header("Range", range);
        }
        return RoomMesh.http().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode ffprobe(Path file) throws IOException, InterruptedException {
        Process ffprobe = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries",
                                             "stream=codec_type,codec_name:format=duration", "-of", "json",
                                             file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = ffprobe.getInputStream().readAllBytes();
        assertThat(ffprobe.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ffprobe.exitValue()).isZero();
        return JSON.readTree(out);
    }

    private static Path tools() {
        try {
            Path dir = Files.createTempDirectory("mediamesh-tools-");
            Path wrapper = dir.resolve("janus-pp-rec");
            Files.writeString(wrapper, "#!/bin/sh\n[ -e '" + dir.resolve("slow") + "' ] && sleep 3\n" +
                                       "exec janus-pp-rec \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
