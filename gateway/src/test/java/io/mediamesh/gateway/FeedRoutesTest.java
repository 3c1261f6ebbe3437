package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediamesh.common.testing.Await;
import io.mediamesh.gateway.testing.FileTransfers;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.media.testing.TestVideos;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The public feed, GET /api/videos, through the gateway: ready videos of every user, newest first.
 * The class's mesh has a database of its own, so the feed holds only what these tests made; each test
 * compares the feed with what it held before, so their order does not matter.
 */
class FeedRoutesTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh().with("mediamesh.user-svc.videos.cache-ttl", "2s");
    private static final Duration CACHE_TTL = Duration.ofSeconds(2);

    private final Rest rest = mesh.rest();
    private final FileTransfers files = new FileTransfers(mesh);

    @Test
    void onlyReadyVideosOfEveryoneNewestFirst() {
        String alice = rest.register("feed_alice");
        String bob = rest.register("feed_bob");
        List<Long> before = feed();
        long alicesReady = ready(alice, "feed_alice", "alice ready");
        long alicesPending = rest.createVideo(alice, "feed_alice", "alice pending");
        long bobsReady = ready(bob, "feed_bob", "bob ready");
        rest.createVideo(bob, "feed_bob", "bob pending");

        List<Long> after = feed();
        assertThat(after).startsWith(bobsReady, alicesReady).doesNotContain(alicesPending);
        assertThat(after.subList(2, after.size())).isEqualTo(before);
        JsonNode newest = rest.get("/api/videos?limit=1").expect(200, "ok").body().get("videos").get(0);
        assertThat(newest.get("author").asText()).isEqualTo("feed_bob");
        assertThat(newest.get("name").asText()).isEqualTo("bob ready");
        assertThat(newest.get("state").asText()).isEqualTo("ready");
    }

    @Test
    void pagesWithACursorToTheEnd() {
        String session = rest.register("feed_pager");
        for (int i = 0; i < 5; i++) {
            ready(session, "feed_pager", "video " + i);
            rest.createVideo(session, "feed_pager", "pending " + i);
        }
        List<Long> all = feed();
        List<Long> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = rest.get("/api/videos?limit=2" + (cursor == null ? "" : "&cursor=" + cursor))
                                .expect(200, "ok").body();
            assertThat(page.get("videos").size()).isBetween(1, 2);
            page.get("videos").forEach(v -> seen.add(v.get("id").asLong()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null);
        assertThat(seen).isEqualTo(all).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(pages).isEqualTo((all.size() + 1) / 2);
    }

    @Test
    void deletedVideosAndThoseOfDeletedUsersVanish() {
        String owner = rest.register("feed_owner");
        String leaver = rest.register("feed_leaver");
        long kept = ready(owner, "feed_owner", "kept");
        long deleted = ready(owner, "feed_owner", "deleted");
        long leavers = ready(leaver, "feed_leaver", "leaver's");
        assertThat(feed()).contains(kept, deleted, leavers);

        rest.delete("/api/videos/" + deleted, "X-Session-Id", owner).expect(204);
        rest.delete("/api/user/feed_leaver", "X-Session-Id", leaver).expect(204);
        assertThat(feed()).contains(kept).doesNotContain(deleted, leavers);
    }

    /**
     * A write this replica did not make (another user-svc replica's, here straight to the database)
     * shows in the listings once the cached pages expire, after the video-record cache's TTL.
     */
    @Test
    void anotherReplicasDeletionShowsWithinTheCacheTtl() {
        String session = rest.register("feed_replica");
        long video = ready(session, "feed_replica", "deleted elsewhere");
        assertThat(feed()).contains(video);
        assertThat(rest.get("/api/user/feed_replica/videos").body().get("videos")).hasSize(1);

        long deletedAt = System.nanoTime();
        mesh.database().dsl().update(DSL.table("videos")).set(DSL.field("deleted_at"), DSL.currentLocalDateTime())
            .where(DSL.field("id").eq(video)).execute();
        Await.until("the feed and the listing drop the video", () -> !feed().contains(video)
                && rest.get("/api/user/feed_replica/videos").body().get("videos").isEmpty());
        assertThat(Duration.ofNanos(System.nanoTime() - deletedAt)).isLessThan(CACHE_TTL.plusSeconds(1));
    }

    @ParameterizedTest
    @ValueSource(strings = { "limit=0", "limit=101", "limit=abc", "limit=-1", "limit=1.5", "limit=99999999999",
                             "cursor=bm9wZQ", "cursor=%25%25", "cursor=aWQ6MA", "cursor=aWQ6LTE" })
    void badPagingIsRejectedAndChangesNothing(String query) {
        List<Long> before = feed();
        rest.get("/api/videos?" + query).expect(400, "INVALID_PAGINATION");
        assertThat(feed()).isEqualTo(before);
    }

    /** Every id of the feed, read with the largest pages. */
    private List<Long> feed() {
        List<Long> ids = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = rest.get("/api/videos?limit=100" + (cursor == null ? "" : "&cursor=" + cursor))
                                .expect(200, "ok").body();
            page.get("videos").forEach(v -> ids.add(v.get("id").asLong()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        return ids;
    }

    /** Creates a video for {@code userName} and uploads a file, making it ready. */
    private long ready(String session, String userName, String name) {
        long id = rest.createVideo(session, userName, name);
        assertThat(files.upload(session, Long.toString(id), TestVideos.mp4(4_000, id)).status()).isEqualTo(200);
        return id;
    }
}
