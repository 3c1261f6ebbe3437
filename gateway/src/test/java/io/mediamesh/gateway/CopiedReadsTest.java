package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.api.v1.GetVideoRequest;
import io.mediamesh.api.v1.ListVideosRequest;
import io.mediamesh.api.v1.VideoServiceGrpc.VideoServiceBlockingStub;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.time.Times;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway answers a repeated listing or video read from its copy of user-svc's last answer while
 * user-svc says that answer may be reused ({@code reusable_for}, the rest of its video cache TTL), and
 * forgets every copy when a write passes through it. A long TTL keeps the timing out of the test.
 */
class CopiedReadsTest {
    private static final Duration CACHE_TTL = Duration.ofSeconds(30);

    @RegisterExtension
    static final Mesh mesh = new Mesh().with("mediamesh.user-svc.videos.cache-ttl", "30s");

    private final Rest rest = mesh.rest();

    @Test
    void readsAreAnsweredFromTheGatewaysCopiesAndAWriteThroughItShowsAtOnce() {
        String session = rest.register("copies_owner");
        long first = rest.createVideo(session, "copies_owner", "first");
        String listing = "/api/user/copies_owner/videos";
        Rest.Response before = rest.get(listing).expect(200, "ok");
        assertThat(before.body().get("videos")).hasSize(1);
        Rest.Response video = rest.get("/api/videos/" + first).expect(200, "ok");

        mesh.stopUserSvc();
        try {
            assertThat(rest.get(listing).expect(200, "ok").body()).as("the listing's copy, user-svc down")
                                                                  .isEqualTo(before.body());
            assertThat(rest.get("/api/videos/" + first).expect(200, "ok").body())
                    .as("the video's copy, user-svc down").isEqualTo(video.body());
            rest.get("/api/videos").expect(503, "SERVICE_UNAVAILABLE");
        } finally {
            mesh.startUserSvc();
        }

        long second = rest.createVideo(session, "copies_owner", "second");
        assertThat(rest.get(listing).expect(200, "ok").body().get("videos"))
                .as("the listing straight after a write through the gateway")
                .extracting(listed -> listed.get("id").asLong()).containsExactly(second, first);

        rest.get("/api/videos/" + second).expect(200, "ok");
        rest.delete("/api/videos/" + second, "X-Session-Id", session).expect(204);
        assertThat(rest.get(listing).expect(200, "ok").body().get("videos"))
                .as("the listing straight after a deletion through the gateway")
                .extracting(listed -> listed.get("id").asLong()).containsExactly(first);
        rest.get("/api/videos/" + second).expect(404, "VIDEO_NOT_FOUND");
    }

    @Test
    void userSvcLetsAnAnswerBeReusedForWhatIsLeftOfItsCacheTtl() throws InterruptedException {
        String session = rest.register("copies_ttl");
        long one = rest.createVideo(session, "copies_ttl", "one");
        VideoServiceBlockingStub videos = TestMeshCa.grpc(mesh.userSvcPort()).responseTimeout(Duration.ofSeconds(10))
                                                    .build(VideoServiceBlockingStub.class);
        ListVideosRequest request = ListVideosRequest.newBuilder().setUserName("copies_ttl").build();

        Duration fresh = Times.fromProto(videos.listVideos(request).getReusableFor());
        Thread.sleep(500);
        Duration later = Times.fromProto(videos.listVideos(request).getReusableFor());

        assertThat(fresh).as("just read from the database").isLessThanOrEqualTo(CACHE_TTL)
                         .isGreaterThan(CACHE_TTL.minusSeconds(5));
        assertThat(later).as("the same page, half a second on").isLessThanOrEqualTo(fresh.minusMillis(500));
        GetVideoRequest get = GetVideoRequest.newBuilder().setVideoId(one).build();
        Duration record = Times.fromProto(videos.getVideo(get).getReusableFor());
        assertThat(record).as("a single video's record").isLessThanOrEqualTo(CACHE_TTL).isPositive();
    }
}
