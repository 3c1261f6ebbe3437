package io.mediamesh.gateway;

import static io.mediamesh.gateway.testing.Rest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.Lists;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /api/videos/:vid/comments through the gateway. */
class CommentRoutesTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh();

    private final Rest rest = mesh.rest();
    private String owner;
    private long video;

    @BeforeEach
    void createVideo() {
        String name = "c_owner_" + System.nanoTime();
        owner = rest.register(name);
        video = rest.createVideo(owner, name, "commented");
    }

    @Test
    void postAndListComments() {
        String reader = rest.register("c_reader_" + System.nanoTime());
        JsonNode comment = rest.post("/api/videos/" + video + "/comments", json("content", "Great video"),
                                     "X-Session-Id", reader).expect(201, "ok").body().get("comment");
        assertThat(comment.get("content").asText()).isEqualTo("Great video");
        assertThat(comment.get("video_id").asLong()).isEqualTo(video);
        assertThat(comment.get("author").asText()).startsWith("c_reader_");
        JsonNode list = rest.get("/api/videos/" + video + "/comments").expect(200, "ok").body();
        assertThat(list.get("comments")).hasSize(1);
        assertThat(list.get("comments").get(0).get("id").asLong()).isEqualTo(comment.get("id").asLong());
        assertThat(list.get("next_cursor").isNull()).isTrue();
    }

    @Test
    void contentIsStoredIntact() {
        String content = "'; DELETE FROM comments; -- \"quotes\" \\ 100% _x_ 👍🏽 multi\nline";
        rest.postComment(owner, video, content);
        assertThat(rest.get("/api/videos/" + video + "/comments").body().get("comments").get(0).get("content")
                       .asText()).isEqualTo(content);
        rest.postComment(owner, video, "c".repeat(2000));
    }

    @Test
    void badCommentsAreRejectedAndNothingIsStored() {
        String path = "/api/videos/" + video + "/comments";
        rest.post(path, json("content", ""), "X-Session-Id", owner).expect(400, "INVALID_COMMENT");
        rest.post(path, json("content", "c".repeat(2001)), "X-Session-Id", owner).expect(400, "INVALID_COMMENT");
        rest.post(path, json("content", "bell\u0007"), "X-Session-Id", owner).expect(400, "INVALID_COMMENT");
        rest.post(path, json("text", "wrong field"), "X-Session-Id", owner).expect(400, "MISSING_FIELD");
        rest.post(path, json("content", 7), "X-Session-Id", owner).expect(400, "INVALID_FIELD_TYPE");
        rest.post(path, "{", "X-Session-Id", owner).expect(400, "MALFORMED_BODY");
        rest.post("/api/videos/abc/comments", json("content", "x"), "X-Session-Id", owner).expect(400, "INVALID_ID");
        rest.post("/api/videos/987654321/comments", json("content", "x"), "X-Session-Id", owner)
            .expect(404, "VIDEO_NOT_FOUND");
        rest.post(path, json("content", "x")).expect(401, "UNAUTHENTICATED");
        assertThat(rest.get(path).body().get("comments")).isEmpty();
    }

    @Test
    void listPagesWithACursor() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(rest.postComment(owner, video, "comment " + i));
        }
        JsonNode first = rest.get("/api/videos/" + video + "/comments?limit=2").expect(200, "ok").body();
        JsonNode second = rest.get("/api/videos/" + video + "/comments?limit=2&cursor=" +
                                   first.get("next_cursor").asText()).expect(200, "ok").body();
        JsonNode third = rest.get("/api/videos/" + video + "/comments?limit=2&cursor=" +
                                  second.get("next_cursor").asText()).expect(200, "ok").body();
        List<Long> seen = new ArrayList<>();
        for (JsonNode page : List.of(first, second, third)) {
            page.get("comments").forEach(c -> seen.add(c.get("id").asLong()));
        }
        assertThat(seen).containsExactlyElementsOf(Lists.reverse(ids));
        assertThat(third.get("next_cursor").isNull()).isTrue();
        rest.get("/api/videos/" + video + "/comments?limit=1000").expect(400, "INVALID_PAGINATION");
        rest.get("/api/videos/" + video + "/comments?cursor=garbage!").expect(400, "INVALID_PAGINATION");
        rest.get("/api/videos/987654321/comments").expect(404, "VIDEO_NOT_FOUND");
        rest.get("/api/videos/x1/comments").expect(400, "INVALID_ID");
    }

    @Test
    void deleteByAuthorOwnerOrAdminOnly() {
        String author = rest.register("c_author_" + System.nanoTime());
        String stranger = rest.register("c_stranger_" + System.nanoTime());
        String admin = rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
        long byAuthor = rest.postComment(author, video, "one");
        long byOwner = rest.postComment(author, video, "two");
        long byAdmin = rest.postComment(author, video, "three");
        String base = "/api/videos/" + video + "/comments/";

        rest.delete(base + byAuthor).expect(401, "UNAUTHENTICATED");
        rest.delete(base + byAuthor, "X-Session-Id", stranger).expect(403, "PERMISSION_DENIED");
        rest.delete(base + byAuthor, "X-Session-Id", author).expect(204);
        rest.delete(base + byOwner, "X-Session-Id", owner).expect(204);
        rest.delete(base + byAdmin, "X-Session-Id", admin).expect(204);
        rest.delete(base + byAdmin, "X-Session-Id", admin).expect(404, "COMMENT_NOT_FOUND");
        rest.delete(base + "abc", "X-Session-Id", admin).expect(400, "INVALID_ID");
        rest.delete("/api/videos/987654321/comments/1", "X-Session-Id", admin).expect(404, "VIDEO_NOT_FOUND");
        assertThat(rest.get("/api/videos/" + video + "/comments").body().get("comments")).isEmpty();
    }

    @Test
    void aCommentIsOnlyReachableThroughItsOwnVideo() {
        String otherName = "c_else_" + System.nanoTime();
        String other = rest.register(otherName);
        long otherVideo = rest.createVideo(other, otherName, "elsewhere");
        long comment = rest.postComment(owner, video, "here");
        // The owner of another video may not delete this comment by naming their own video.
        rest.delete("/api/videos/" + otherVideo + "/comments/" + comment, "X-Session-Id", other)
            .expect(404, "COMMENT_NOT_FOUND");
        assertThat(rest.get("/api/videos/" + video + "/comments").body().get("comments")).hasSize(1);
    }
}
