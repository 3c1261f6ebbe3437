package io.mediamesh.gateway.scheduler;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.annotation.Nullable;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.ListTasksRequest;
import io.mediamesh.api.v1.RetryTaskRequest;
import io.mediamesh.api.v1.ScheduleVideoDeletionRequest;
import io.mediamesh.api.v1.SchedulerServiceGrpc.SchedulerServiceFutureStub;
import io.mediamesh.api.v1.TaskState;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.PathParams;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/** The deletion scheduler, for admins: /scheduler/videos/:vid and /scheduler/tasks. */
public final class SchedulerRoutes {
    private static final List<String> STATES = List.of("pending", "running", "succeeded", "failed");

    private final SchedulerServiceFutureStub scheduler;

    public SchedulerRoutes(SchedulerServiceFutureStub scheduler) {
        this.scheduler = scheduler;
    }

    /** Schedules the deletion of a video's file; answers the (new or already unfinished) task. */
    @Delete("/videos/{vid}")
    public CompletableFuture<HttpResponse> deleteVideo(RequestHeaders headers, @Param("vid") String vid) {
        ScheduleVideoDeletionRequest call =
                ScheduleVideoDeletionRequest.newBuilder().setVideoId(PathParams.id(vid, "vid")).build();
        return Calls.as(headers, () -> scheduler.scheduleVideoDeletion(call)).thenApply(
                response -> Envelope.ok(new Scheduled(TaskView.of(response.getTask()), response.getCreated())));
    }

    @Get("/tasks")
    public CompletableFuture<HttpResponse> listTasks(RequestHeaders headers, @Param("state") @Nullable String state,
                                                     @Param("limit") @Nullable String limit,
                                                     @Param("cursor") @Nullable String cursor) {
        ListTasksRequest call = ListTasksRequest.newBuilder()
                                                .setState(state(state))
                                                .setLimit(PathParams.limit(limit))
                                                .setCursor(cursor == null ? "" : cursor)
                                                .build();
        return Calls.as(headers, () -> scheduler.listTasks(call)).thenApply(response -> Envelope.ok(
                new TaskPage(response.getTasksList().stream().map(TaskView::of).toList(),
                             response.getNextCursor().isEmpty() ? null : response.getNextCursor())));
    }

    /** Gives a FAILED task another round (PENDING, due now); answers the task. */
    @Post("/tasks/{id}/retry")
    public CompletableFuture<HttpResponse> retryTask(RequestHeaders headers, @Param("id") String id) {
        RetryTaskRequest call = RetryTaskRequest.newBuilder().setTaskId(PathParams.id(id, "id")).build();
        return Calls.as(headers, () -> scheduler.retryTask(call))
                    .thenApply(response -> Envelope.ok(TaskView.of(response.getTask())));
    }

    /** A state filter: absent or empty for every state. */
    private static TaskState state(String raw) {
        if (raw == null || raw.isEmpty()) {
            return TaskState.TASK_STATE_UNSPECIFIED;
        }
        if (!STATES.contains(raw)) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST,
                                         "state must be one of " + String.join(", ", STATES) + '.');
        }
        return TaskState.valueOf("TASK_STATE_" + raw.toUpperCase(Locale.ROOT));
    }

    record Scheduled(TaskView task, boolean created) {}

    record TaskPage(List<TaskView> tasks, String nextCursor) {}
}
