package io.mediamesh.gateway;

import static io.mediamesh.gateway.testing.Rest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.Lists;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.gateway.testing.Rest.Response;
import java.util.ArrayList;
import java.util.List;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** /api/user/:user_name/videos and /api/videos/:vid through the gateway. */
class VideoRoutesTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh();

    private final Rest rest = mesh.rest();

    @Test
    void createGetAndListAVideo() {
        String session = rest.register("vid_alice");
        Response created = rest.post("/api/user/vid_alice/videos", json("name", "Holiday", "description", "Beach"),
                                     "X-Session-Id", session).expect(201, "ok");
        long id = created.body().get("id").asLong();
        assertThat(created.body().get("author").asText()).isEqualTo("vid_alice");
        assertThat(created.body().get("state").asText()).isEqualTo("pending");
        assertThat(created.body().get("created_at").asText()).endsWith("Z");

        JsonNode video = rest.get("/api/videos/" + id).expect(200, "ok").body().get("video");
        assertThat(video.get("name").asText()).isEqualTo("Holiday");
        assertThat(video.get("description").asText()).isEqualTo("Beach");
        assertThat(video.get("created_at").asText()).isEqualTo(created.body().get("created_at").asText());

        JsonNode list = rest.get("/api/user/vid_alice/videos").expect(200, "ok").body();
        assertThat(list.get("videos")).hasSize(1);
        assertThat(list.get("next_cursor").isNull()).isTrue();
    }

    @Test
    void metacharactersAndEmojiAreStoredIntact() {
        String session = rest.register("vid_meta");
        String name = "Robert'); DROP TABLE videos;-- 🎬🔥";
        String description = "100% \"quoted\" \\ back\\slash\n_under_score; -- % ` 😀";
        long id = rest.post("/api/user/vid_meta/videos", json("name", name, "description", description),
                            "X-Session-Id", session).expect(201, "ok").body().get("id").asLong();
        JsonNode video = rest.get("/api/videos/" + id).expect(200, "ok").body().get("video");
        assertThat(video.get("name").asText()).isEqualTo(name);
        assertThat(video.get("description").asText()).isEqualTo(description);
        rest.get("/api/user/vid_meta/videos").expect(200, "ok");
    }

    @Test
    void badVideoFieldsAreRejectedAndNothingIsCreated() {
        String session = rest.register("vid_bad");
        String path = "/api/user/vid_bad/videos";
        rest.post(path, json("name", ""), "X-Session-Id", session).expect(400, "INVALID_VIDEO_NAME");
        rest.post(path, json("name", "x".repeat(65)), "X-Session-Id", session).expect(400, "INVALID_VIDEO_NAME");
        rest.post(path, json("name", "tab\tname"), "X-Session-Id", session).expect(400, "INVALID_VIDEO_NAME");
        rest.post(path, json("name", "ok", "description", "d".repeat(1001)), "X-Session-Id", session)
            .expect(400, "INVALID_DESCRIPTION");
        rest.post(path, json("description", "no name"), "X-Session-Id", session).expect(400, "MISSING_FIELD");
        rest.post(path, json("name", 42), "X-Session-Id", session).expect(400, "INVALID_FIELD_TYPE");
        rest.post(path, json("name", "ok", "description", List.of("x")), "X-Session-Id", session)
            .expect(400, "INVALID_FIELD_TYPE");
        rest.post(path, "{\"name\":", "X-Session-Id", session).expect(400, "MALFORMED_BODY");
        assertThat(rest.get(path).expect(200, "ok").body().get("videos")).isEmpty();
        // 64 characters, counting an emoji as one, is the limit.
        rest.post(path, json("name", "🎬".repeat(64)), "X-Session-Id", session).expect(201, "ok");
    }

    @Test
    void createIsOnlyForYourselfUnlessAdmin() {
        String owner = rest.register("vid_owner");
        String other = rest.register("vid_other");
        String admin = rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
        rest.post("/api/user/vid_owner/videos", json("name", "x"), "X-Session-Id", other).expect(403,
                                                                                               "PERMISSION_DENIED");
        rest.post("/api/user/vid_owner/videos", json("name", "x")).expect(401, "UNAUTHENTICATED");
        rest.post("/api/user/vid_owner/videos", json("name", "x"), "X-User-Name", "vid_owner").expect(
                401, "UNAUTHENTICATED");
        rest.post("/api/user/vid_owner/videos", json("name", "by admin"), "X-Session-Id", admin).expect(201, "ok");
        rest.post("/api/user/nobody_at_all/videos", json("name", "x"), "X-Session-Id", admin).expect(404,
                                                                                                   "USER_NOT_FOUND");
        rest.post("/api/user/bad%20name/videos", json("name", "x"), "X-Session-Id", owner).expect(400,
                                                                                                "INVALID_USER_NAME");
        assertThat(rest.get("/api/user/vid_owner/videos").body().get("videos")).hasSize(1);
    }

    @Test
    void listPagesWithACursor() {
        String session = rest.register("vid_pager");
        List<Long> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(rest.createVideo(session, "vid_pager", "video " + i));
        }
        List<Long> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String path = "/api/user/vid_pager/videos?limit=3" + (cursor == null ? "" : "&cursor=" + cursor);
            JsonNode page = rest.get(path).expect(200, "ok").body();
            page.get("videos").forEach(v -> seen.add(v.get("id").asLong()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(Lists.reverse(created));
        assertThat(rest.get("/api/user/nobody_at_all/videos").expect(200, "ok").body().get("videos")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "limit=0", "limit=101", "limit=abc", "limit=-1", "cursor=bm9wZQ", "cursor=%25%25" })
    void badPagingIsRejected(String query) {
        rest.get("/api/user/vid_pager/videos?" + query).expect(400, "INVALID_PAGINATION");
    }

    @ParameterizedTest
    @ValueSource(strings = { "abc", "0", "-1", "1.5", "99999999999999999999", "1%20OR%201=1" })
    void unparsableIdsAre400(String id) {
        rest.get("/api/videos/" + id).expect(400, "INVALID_ID");
        rest.delete("/api/videos/" + id, "X-Session-Id", rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD))
            .expect(400, "INVALID_ID");
    }

    @Test
    void unknownVideoIs404() {
        rest.get("/api/videos/987654321").expect(404, "VIDEO_NOT_FOUND");
        rest.delete("/api/videos/987654321", "X-Session-Id", rest.register("vid_404")).expect(404, "VIDEO_NOT_FOUND");
    }

    @Test
    void deleteIsForTheOwnerOrAnAdminAndHidesTheRecord() {
        String owner = rest.register("vid_del_owner");
        String other = rest.register("vid_del_other");
        String admin = rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
        long first = rest.createVideo(owner, "vid_del_owner", "first");
        long second = rest.createVideo(owner, "vid_del_owner", "second");

        rest.delete("/api/videos/" + first).expect(401, "UNAUTHENTICATED");
        rest.delete("/api/videos/" + first, "X-Session-Id", other).expect(403, "PERMISSION_DENIED");
        rest.get("/api/videos/" + first).expect(200, "ok");

        rest.delete("/api/videos/" + first, "X-Session-Id", owner).expect(204);
        rest.get("/api/videos/" + first).expect(404, "VIDEO_NOT_FOUND");
        rest.delete("/api/videos/" + first, "X-Session-Id", owner).expect(404, "VIDEO_NOT_FOUND");
        rest.get("/api/videos/" + first + "/comments").expect(404, "VIDEO_NOT_FOUND");

        rest.delete("/api/videos/" + second, "X-Session-Id", admin).expect(204);
        assertThat(rest.get("/api/user/vid_del_owner/videos").body().get("videos")).isEmpty();
        // Both files are due for deletion, recorded in the same transaction as the records.
        assertThat(mesh.database().dsl().fetchCount(
                DSL.table("file_deletion_outbox"), DSL.field("video_id").in(first, second))).isEqualTo(2);
    }
}
