package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediamesh.gateway.testing.FailedTasks;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DELETE /scheduler/videos/:vid and GET /scheduler/tasks through the gateway to the real scheduler-svc. */
class SchedulerRoutesTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh().withScheduler();

    private final Rest rest = mesh.rest();

    @Test
    void adminSchedulesAVideoDeletionOnce() {
        String admin = rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
        JsonNode first = rest.delete("/scheduler/videos/4242", "X-Session-Id", admin).expect(200, "ok").body();
        assertThat(first.get("created").asBoolean()).isTrue();
        JsonNode task = first.get("task");
        assertThat(task.get("id").asLong()).isPositive();
        assertThat(task.get("kind").asText()).isEqualTo("delete_video_file");
        assertThat(task.get("video_id").asLong()).isEqualTo(4242);
        assertThat(task.get("state").asText()).isEqualTo("pending");
        assertThat(task.get("attempts").asInt()).isZero();
        assertThat(task.get("max_attempts").asInt()).isEqualTo(8);
        assertThat(task.get("next_run_at").asText()).endsWith("Z");
        assertThat(task.get("created_at").asText()).endsWith("Z");
        assertThat(task.has("lease_owner")).isFalse();
        assertThat(task.has("completed_at")).isFalse();

        JsonNode again = rest.delete("/scheduler/videos/4242", "X-Session-Id", admin).expect(200, "ok").body();
        assertThat(again.get("created").asBoolean()).isFalse();
        assertThat(again.get("task")).isEqualTo(task);

        JsonNode listed = rest.get("/scheduler/tasks?state=pending", "X-Session-Id", admin).expect(200, "ok").body();
        assertThat(listed.get("tasks").findValues("id")).extracting(JsonNode::asLong).contains(task.get("id").asLong());
        assertThat(rest.get("/scheduler/tasks?state=succeeded", "X-Session-Id", admin).expect(200, "ok").body()
                       .get("tasks")).isEmpty();
    }

    @Test
    void adminRetriesAFailedTask() {
        String admin = rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
        long id = rest.delete("/scheduler/videos/4343", "X-Session-Id", admin).expect(200, "ok").body()
                      .get("task").get("id").asLong();
        String retry = "/scheduler/tasks/" + id + "/retry";
        rest.post(retry, "", "X-Session-Id", admin).expect(409, "TASK_NOT_RETRYABLE");
        FailedTasks.fail(mesh.schedulerDatabase(), id, "media-svc was down");
        JsonNode failed = rest.get("/scheduler/tasks?state=failed", "X-Session-Id", admin).expect(200, "ok").body()
                              .get("tasks").get(0);
        assertThat(failed.get("id").asLong()).isEqualTo(id);
        assertThat(failed.get("last_error").asText()).isEqualTo("media-svc was down");

        JsonNode retried = rest.post(retry, "", "X-Session-Id", admin).expect(200, "ok").body();
        assertThat(retried.get("id").asLong()).isEqualTo(id);
        assertThat(retried.get("state").asText()).isEqualTo("pending");
        assertThat(retried.get("attempts").asInt()).isEqualTo(8);
        assertThat(retried.get("max_attempts").asInt()).isEqualTo(16);
        assertThat(retried.has("completed_at")).isFalse();
        rest.post(retry, "", "X-Session-Id", admin).expect(409, "TASK_NOT_RETRYABLE");
        rest.post("/scheduler/tasks/987654/retry", "", "X-Session-Id", admin).expect(404, "TASK_NOT_FOUND");
        rest.post("/scheduler/tasks/abc/retry", "", "X-Session-Id", admin).expect(400, "INVALID_ID");
        rest.post(retry, "", "X-Session-Id", rest.register("not_an_admin")).expect(403, "PERMISSION_DENIED");
    }

    @ParameterizedTest
    @ValueSource(strings = { "abc", "0", "-1", "1.5", "99999999999999999999", "1%20OR%201=1" })
    void unparsableVideoIdsAre400AndScheduleNothing(String id) {
        int before = videoIdsListed().size();
        rest.delete("/scheduler/videos/" + id, "X-Session-Id", rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD))
            .expect(400, "INVALID_ID");
        assertThat(videoIdsListed()).hasSize(before);
    }

    @ParameterizedTest
    @ValueSource(strings = { "state=done", "state=PENDING", "state=task_state_pending", "limit=0", "limit=501",
                             "cursor=bm9wZQ" })
    void badListParametersAre400(String query) {
        rest.get("/scheduler/tasks?" + query, "X-Session-Id", rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD))
            .expect(400, query.startsWith("state") ? "INVALID_REQUEST" : "INVALID_PAGINATION");
    }

    @Test
    void listPagesNewestFirst() {
        String admin = rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
        List<Long> scheduled = new ArrayList<>();
        for (long video = 4400; video < 4405; video++) {
            scheduled.add(rest.delete("/scheduler/videos/" + video, "X-Session-Id", admin).expect(200, "ok").body()
                              .get("task").get("id").asLong());
        }
        List<Long> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = rest.get("/scheduler/tasks?limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
                                     "X-Session-Id", admin).expect(200, "ok").body();
            assertThat(page.get("tasks").size()).isLessThanOrEqualTo(2);
            page.get("tasks").forEach(t -> seen.add(t.get("id").asLong()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        assertThat(seen).isSortedAccordingTo((a, b) -> Long.compare(b, a)).containsAll(scheduled);
    }

    private List<Long> videoIdsListed() {
        JsonNode tasks = rest.get("/scheduler/tasks?limit=500", "X-Session-Id",
                                  rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD)).expect(200, "ok").body().get("tasks");
        List<Long> ids = new ArrayList<>();
        tasks.forEach(t -> ids.add(t.get("video_id").asLong()));
        return ids;
    }
}
