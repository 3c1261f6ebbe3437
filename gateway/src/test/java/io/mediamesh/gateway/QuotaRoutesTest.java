package io.mediamesh.gateway;

import static io.mediamesh.gateway.testing.Rest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import io.mediamesh.common.testing.Await;
import io.mediamesh.gateway.testing.FileTransfers;
import io.mediamesh.gateway.testing.FileTransfers.Answer;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.media.testing.TestVideos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GET and PUT /api/user/:user_name/quota, and the videos and stored-bytes quotas through the
 * gateway: over a quota the answer is 403 QUOTA_EXCEEDED naming it, and nothing of the request is
 * kept; an admin's higher limit lets the same request through; a cleared one is the default again.
 * (Rooms and streams, which need Janus: RoomQuotasTest.)
 */
class QuotaRoutesTest {
    private static final long VIDEOS = 3;
    private static final long BYTES = 500_000;

    @RegisterExtension
    static final Mesh mesh = new Mesh().with("mediamesh.user-svc.quotas.videos", VIDEOS)
                                       .with("mediamesh.user-svc.quotas.stored-bytes", BYTES);

    private final Rest rest = mesh.rest();
    private final FileTransfers files = new FileTransfers(mesh);

    @Test
    void theVideosQuotaRefusesOneMoreRecordUntilAnAdminRaisesIt() {
        String owner = rest.register("q_videos");
        String admin = admin();
        for (int i = 0; i < VIDEOS; i++) {
            rest.createVideo(owner, "q_videos", "v" + i);
        }
        Rest.Response refused = rest.post("/api/user/q_videos/videos", json("name", "one more"), "X-Session-Id", owner)
                                    .expect(403, "QUOTA_EXCEEDED");
        assertThat(refused.body().asText()).isEqualTo("quota exceeded: videos (limit 3)");
        assertThat(videoCount("q_videos")).isEqualTo(VIDEOS);
        // An admin creating for the user is held to the user's quota too.
        rest.post("/api/user/q_videos/videos", json("name", "by admin"), "X-Session-Id", admin)
            .expect(403, "QUOTA_EXCEEDED");

        JsonNode raised = rest.put("/api/user/q_videos/quota", json("videos", 4), "X-Session-Id", admin)
                              .expect(200, "ok").body();
        assertThat(raised.get("limits").get("videos").asLong()).isEqualTo(4);
        assertThat(raised.get("limits").get("stored_bytes").asLong()).isEqualTo(BYTES);
        rest.createVideo(owner, "q_videos", "now it fits");
        assertThat(videoCount("q_videos")).isEqualTo(4);

        // Cleared: the default again; what is there stays, nothing more fits.
        JsonNode reset = rest.put("/api/user/q_videos/quota", json("videos", null), "X-Session-Id", admin)
                             .expect(200, "ok").body();
        assertThat(reset.get("limits").get("videos").asLong()).isEqualTo(VIDEOS);
        assertThat(reset.get("usage").get("videos").asLong()).isEqualTo(4);
        rest.post("/api/user/q_videos/videos", json("name", "again"), "X-Session-Id", owner)
            .expect(403, "QUOTA_EXCEEDED");
        // Deleted records do not count.
        long first = rest.get("/api/user/q_videos/videos").body().get("videos").get(3).get("id").asLong();
        rest.delete("/api/videos/" + first, "X-Session-Id", owner).expect(204);
        rest.delete("/api/videos/" + rest.get("/api/user/q_videos/videos").body().get("videos").get(0).get("id")
                                         .asLong(), "X-Session-Id", owner).expect(204);
        rest.createVideo(owner, "q_videos", "after deleting");
    }

    @Test
    void theStoredBytesQuotaRefusesUploadsThatWouldPassItAndKeepsNothingOfThem() {
        String owner = rest.register("q_bytes");
        String admin = admin();
        long first = rest.createVideo(owner, "q_bytes", "first");
        long second = rest.createVideo(owner, "q_bytes", "second");
        expect(files.upload(owner, Long.toString(first), TestVideos.mp4(300_000, 1)), 200, "ok");

        // Declared (Content-Length): refused before a byte is read.
        Answer declared = files.upload(owner, Long.toString(second), TestVideos.mp4(300_000, 2));
        expect(declared, 403, "QUOTA_EXCEEDED");
        assertThat(declared.body().asText()).isEqualTo("quota exceeded: stored_bytes (limit 500000)");
        assertNothingKept(second);
        // Not declared (chunked): cut off as soon as it crosses what is left.
        expect(files.uploadChunked(owner, Long.toString(second), TestVideos.mp4(300_000, 3), 64 * 1024), 403,
               "QUOTA_EXCEEDED");
        assertNothingKept(second);
        // Resumable: its Upload-Length is checked at creation.
        AggregatedHttpResponse tus = tusCreate(owner, second, 300_000);
        assertThat(tus.status().code()).as(tus.contentUtf8()).isEqualTo(403);
        assertThat(tus.contentUtf8()).contains("QUOTA_EXCEEDED", "stored_bytes");
        assertNothingKept(second);
        assertThat(resumableFiles()).isEmpty();
        // A smaller file fits what is left.
        expect(files.upload(owner, Long.toString(second), TestVideos.mp4(200_000, 4)), 200, "ok");
        // A new file replaces its video's old one: 250,000 in place of 200,000 does not fit beside the
        // other 300,000; 300,000 in place of 300,000 does.
        expect(files.upload(owner, Long.toString(second), TestVideos.mp4(250_000, 5)), 403, "QUOTA_EXCEEDED");
        expect(files.upload(owner, Long.toString(first), TestVideos.mp4(300_000, 6)), 200, "ok");
        assertThat(usage(owner, "q_bytes").get("stored_bytes").asLong()).isEqualTo(500_000);

        rest.put("/api/user/q_bytes/quota", json("stored_bytes", 1_000_000), "X-Session-Id", admin).expect(200, "ok");
        expect(files.upload(owner, Long.toString(second), TestVideos.mp4(250_000, 5)), 200, "ok");
        assertThat(state(second)).isEqualTo("ready");
        assertThat(usage(owner, "q_bytes").get("stored_bytes").asLong()).isEqualTo(550_000);

        JsonNode reset = rest.put("/api/user/q_bytes/quota", "{}", "X-Session-Id", admin).expect(200, "ok").body();
        assertThat(reset.get("limits").get("stored_bytes").asLong()).isEqualTo(BYTES);
        expect(files.upload(owner, Long.toString(first), TestVideos.mp4(300_000, 7)), 403, "QUOTA_EXCEEDED");
    }

    @Test
    void twoConcurrentUploadsThatTogetherPassTheQuotaCannotBothSucceed() {
        String owner = rest.register("q_race");
        long first = rest.createVideo(owner, "q_race", "first");
        long second = rest.createVideo(owner, "q_race", "second");
        List<CompletableFuture<Answer>> uploads = Stream.of(first, second).map(id -> CompletableFuture.supplyAsync(
                () -> files.upload(owner, Long.toString(id), TestVideos.mp4(300_000, id)))).toList();
        List<Answer> answers = uploads.stream().map(CompletableFuture::join).toList();
        assertThat(answers).extracting(Answer::status).containsExactlyInAnyOrder(200, 403);
        long loser = answers.get(0).status() == 403 ? first : second;
        assertThat(answers).extracting(Answer::code).contains("QUOTA_EXCEEDED");
        assertNothingKept(loser);
        assertThat(usage(owner, "q_race").get("stored_bytes").asLong()).isEqualTo(300_000);
    }

    @Test
    void theQuotaShowsLimitsAndUsage() {
        String owner = rest.register("q_show");
        rest.createVideo(owner, "q_show", "one");
        JsonNode quota = rest.get("/api/user/q_show/quota", "X-Session-Id", owner).expect(200, "ok").body();
        assertThat(quota.get("limits").get("videos").asLong()).isEqualTo(VIDEOS);
        assertThat(quota.get("limits").get("stored_bytes").asLong()).isEqualTo(BYTES);
        assertThat(quota.get("limits").get("rooms").asLong()).isEqualTo(20);
        assertThat(quota.get("limits").get("streams").asLong()).isEqualTo(10);
        assertThat(quota.get("usage").get("videos").asLong()).isEqualTo(1);
        assertThat(quota.get("usage").get("stored_bytes").asLong()).isZero();
        assertThat(quota.get("usage").get("rooms").asLong()).isZero();
        assertThat(quota.get("usage").get("streams").asLong()).isZero();
    }

    @Test
    void onlyTheUserAndAdminsSeeAQuotaAndOnlyAdminsChangeIt() {
        String owner = rest.register("q_auth");
        String other = rest.register("q_other");
        String admin = admin();
        String path = "/api/user/q_auth/quota";
        rest.get(path).expect(401, "UNAUTHENTICATED");
        rest.get(path, "X-Session-Id", other).expect(403, "PERMISSION_DENIED");
        rest.get(path, "X-Session-Id", owner).expect(200, "ok");
        rest.get(path, "X-Session-Id", admin).expect(200, "ok");
        rest.get("/api/user/nobody_here/quota", "X-Session-Id", admin).expect(404, "USER_NOT_FOUND");
        rest.get("/api/user/bad%20name/quota", "X-Session-Id", admin).expect(400, "INVALID_USER_NAME");

        String raise = json("videos", 9);
        rest.put(path, raise).expect(401, "UNAUTHENTICATED");
        rest.put(path, raise, "X-Session-Id", other).expect(403, "PERMISSION_DENIED");
        rest.put(path, raise, "X-Session-Id", owner).expect(403, "PERMISSION_DENIED");
        rest.put("/api/user/nobody_here/quota", raise, "X-Session-Id", admin).expect(404, "USER_NOT_FOUND");
        assertThat(limit(admin, "videos")).isEqualTo(VIDEOS);

        rest.put(path, json("videos", -1), "X-Session-Id", admin).expect(400, "INVALID_REQUEST");
        rest.put(path, json("stored_bytes", "lots"), "X-Session-Id", admin).expect(400, "INVALID_FIELD_TYPE");
        rest.put(path, "{\"rooms\": 1.5}", "X-Session-Id", admin).expect(400, "INVALID_FIELD_TYPE");
        rest.put(path, "{\"streams\": 99999999999999999999}", "X-Session-Id", admin)
            .expect(400, "INVALID_FIELD_TYPE");
        rest.put(path, "[1]", "X-Session-Id", admin).expect(400, "MALFORMED_BODY");
        rest.put(path, "{", "X-Session-Id", admin).expect(400, "MALFORMED_BODY");
        assertThat(limit(admin, "videos")).isEqualTo(VIDEOS);

        JsonNode set = rest.put(path, raise, "X-Session-Id", admin).expect(200, "ok").body();
        assertThat(set.get("limits").get("videos").asLong()).isEqualTo(9);
        assertThat(limit(owner, "videos")).isEqualTo(9);
        // Zero is a limit of its own: nothing more.
        rest.put(path, json("videos", 0), "X-Session-Id", admin).expect(200, "ok");
        rest.post("/api/user/q_auth/videos", json("name", "none"), "X-Session-Id", owner)
            .expect(403, "QUOTA_EXCEEDED");
        // Deleting the user deletes their limits with them: a new account of that name has the defaults.
        rest.delete("/api/user/q_auth", "X-Session-Id", admin).expect(204);
        String again = rest.register("q_auth");
        assertThat(limit(again, "videos")).isEqualTo(VIDEOS);
    }

    private String admin() {
        return rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
    }

    private long limit(String session, String quota) {
        return rest.get("/api/user/q_auth/quota", "X-Session-Id", session).expect(200, "ok").body().get("limits")
                   .get(quota).asLong();
    }

    private JsonNode usage(String session, String userName) {
        return rest.get("/api/user/" + userName + "/quota", "X-Session-Id", session).expect(200, "ok").body()
                   .get("usage");
    }

    private long videoCount(String userName) {
        return rest.get("/api/user/" + userName + "/videos").expect(200, "ok").body().get("videos").size();
    }

    private String state(long videoId) {
        return rest.get("/api/videos/" + videoId).expect(200, "ok").body().get("video").get("state").asText();
    }

    private void assertNothingKept(long videoId) {
        Await.until("media-svc has removed every trace of the refused upload", () -> files.onDisk(videoId).isEmpty());
        assertThat(state(videoId)).isEqualTo("pending");
    }

    private AggregatedHttpResponse tusCreate(String session, long videoId, long length) {
        String vid = Base64.getEncoder().encodeToString(Long.toString(videoId).getBytes(StandardCharsets.UTF_8));
        return WebClient.builder("h1c://127.0.0.1:" + mesh.gatewayPort()).responseTimeout(Duration.ofSeconds(30))
                        .build()
                        .execute(RequestHeaders.builder(HttpMethod.POST, "/upload/resumable")
                                               .add("tus-resumable", "1.0.0").add("x-session-id", session)
                                               .add("upload-length", Long.toString(length))
                                               .add("upload-metadata", "vid " + vid).build())
                        .aggregate().join();
    }

    private List<String> resumableFiles() {
        java.nio.file.Path folder = mesh.videoRoot().resolve(".resumable");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<java.nio.file.Path> entries = Files.list(folder)) {
            return entries.map(p -> p.getFileName().toString()).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void expect(Answer answer, int status, String code) {
        assertThat(answer.status()).as("status of %s", answer.body()).isEqualTo(status);
        assertThat(answer.code()).isEqualTo(code);
    }
}
