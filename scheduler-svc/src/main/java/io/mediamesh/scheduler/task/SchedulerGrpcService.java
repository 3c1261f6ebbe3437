package io.mediamesh.scheduler.task;

import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetTaskRequest;
import io.mediamesh.api.v1.GetTaskResponse;
import io.mediamesh.api.v1.ListTasksRequest;
import io.mediamesh.api.v1.ListTasksResponse;
import io.mediamesh.api.v1.RetryTaskRequest;
import io.mediamesh.api.v1.RetryTaskResponse;
import io.mediamesh.api.v1.ScheduleVideoDeletionRequest;
import io.mediamesh.api.v1.ScheduleVideoDeletionResponse;
import io.mediamesh.api.v1.ScheduleVideoDeletionsRequest;
import io.mediamesh.api.v1.ScheduleVideoDeletionsResponse;
import io.mediamesh.api.v1.SchedulerServiceGrpc;
import io.mediamesh.api.v1.TaskState;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.validation.Text;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** SchedulerService over gRPC. Runs on the blocking executor. */
public final class SchedulerGrpcService extends SchedulerServiceGrpc.SchedulerServiceImplBase {
    /** user-svc's deletion relay schedules on its own; an admin (through the gateway) may too. */
    private static final Set<Identity> SCHEDULERS = Set.of(Identity.USER_SVC);
    /** Most videos one ScheduleVideoDeletions call may name (a user's videos are scheduled in chunks). */
    public static final int MAX_BATCH = 1000;
    /** ListTasks' page sizes (scheduler.proto): an admin looking at a backlog wants long pages. */
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 500;

    private final TaskRepository tasks;
    private final Callers callers;
    private final Clock clock;
    private final int maxAttempts;

    public SchedulerGrpcService(TaskRepository tasks, Callers callers, Clock clock, int maxAttempts) {
        this.tasks = tasks;
        this.callers = callers;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
    }

    @Override
    public void scheduleVideoDeletion(ScheduleVideoDeletionRequest request,
                                      StreamObserver<ScheduleVideoDeletionResponse> response) {
        callers.requireServiceOrAdmin(SCHEDULERS);
        long videoId = Text.checkId(request.getVideoId(), "video_id");
        TaskRepository.Scheduled scheduled = tasks.scheduleDeletions(List.of(videoId), maxAttempts, clock.instant())
                                                  .get(videoId);
        response.onNext(ScheduleVideoDeletionResponse.newBuilder()
                                                     .setTask(scheduled.task().toProto())
                                                     .setCreated(scheduled.created())
                                                     .build());
        response.onCompleted();
    }

    @Override
    public void scheduleVideoDeletions(ScheduleVideoDeletionsRequest request,
                                       StreamObserver<ScheduleVideoDeletionsResponse> response) {
        callers.requireServiceOrAdmin(SCHEDULERS);
        if (request.getVideoIdsCount() == 0 || request.getVideoIdsCount() > MAX_BATCH) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST,
                                         "video_ids must name 1 to " + MAX_BATCH + " videos.");
        }
        Set<Long> videoIds = new LinkedHashSet<>();
        for (long videoId : request.getVideoIdsList()) {
            videoIds.add(Text.checkId(videoId, "video_ids"));
        }
        Map<Long, TaskRepository.Scheduled> scheduled =
                tasks.scheduleDeletions(List.copyOf(videoIds), maxAttempts, clock.instant());
        ScheduleVideoDeletionsResponse.Builder out = ScheduleVideoDeletionsResponse.newBuilder();
        videoIds.forEach(videoId -> out.addTasks(scheduled.get(videoId).task().toProto()));
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void getTask(GetTaskRequest request, StreamObserver<GetTaskResponse> response) {
        callers.requireAdmin();
        long taskId = Text.checkId(request.getTaskId(), "task_id");
        TaskRecord task = tasks.find(taskId).orElseThrow(
                () -> new MediameshException(ErrorCode.TASK_NOT_FOUND, "No task " + taskId + '.'));
        GetTaskResponse.Builder out = GetTaskResponse.newBuilder().setTask(task.toProto());
        tasks.runs(taskId).forEach(run -> out.addRuns(run.toProto()));
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void listTasks(ListTasksRequest request, StreamObserver<ListTasksResponse> response) {
        callers.requireAdmin();
        String state = "";
        if (request.getState() != TaskState.TASK_STATE_UNSPECIFIED) {
            state = TaskStates.toDb(request.getState());
            if (state.isEmpty()) {
                throw new MediameshException(ErrorCode.INVALID_REQUEST, "Unknown task state.");
            }
        }
        Page.Result<TaskRecord> page = tasks.list(state, Page.of(request.getLimit(), request.getCursor(), DEFAULT_PAGE, MAX_PAGE));
        ListTasksResponse.Builder out = ListTasksResponse.newBuilder().setNextCursor(page.nextCursor());
        page.rows().forEach(task -> out.addTasks(task.toProto()));
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void retryTask(RetryTaskRequest request, StreamObserver<RetryTaskResponse> response) {
        callers.requireAdmin();
        long taskId = Text.checkId(request.getTaskId(), "task_id");
        TaskRepository.Retry retry = tasks.retry(taskId, maxAttempts, clock.instant());
        if (retry instanceof TaskRepository.Retry.NotFound) {
            throw new MediameshException(ErrorCode.TASK_NOT_FOUND, "No task " + taskId + '.');
        }
        if (retry instanceof TaskRepository.Retry.NotFailed notFailed) {
            throw new MediameshException(ErrorCode.TASK_NOT_RETRYABLE, "Task " + taskId + " is " + notFailed.state() +
                                                                       "; only a failed task can be retried.");
        }
        if (retry instanceof TaskRepository.Retry.Superseded superseded) {
            TaskRecord by = superseded.by();
            throw new MediameshException(ErrorCode.TASK_NOT_RETRYABLE, TaskStates.SUCCEEDED.equals(by.state())
                    ? "Task " + by.id() + " already deleted video " + superseded.videoId() + "'s file; nothing to retry."
                    : "Video " + superseded.videoId() + " has a newer unfinished deletion task, " + by.id()
                      + "; retry that one instead.");
        }
        TaskRecord task = ((TaskRepository.Retry.Retried) retry).task();
        response.onNext(RetryTaskResponse.newBuilder().setTask(task.toProto()).build());
        response.onCompleted();
    }
}
