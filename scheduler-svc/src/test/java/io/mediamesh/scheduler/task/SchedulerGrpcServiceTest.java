package io.mediamesh.scheduler.task;

import static io.mediamesh.scheduler.testing.SchedulerMesh.asService;
import static io.mediamesh.scheduler.testing.SchedulerMesh.asSession;
import static io.mediamesh.scheduler.db.Tables.TASKS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetTaskRequest;
import io.mediamesh.api.v1.GetTaskResponse;
import io.mediamesh.api.v1.ListTasksRequest;
import io.mediamesh.api.v1.ListTasksResponse;
import io.mediamesh.api.v1.RetryTaskRequest;
import io.mediamesh.api.v1.ScheduleVideoDeletionRequest;
import io.mediamesh.api.v1.ScheduleVideoDeletionResponse;
import io.mediamesh.api.v1.ScheduleVideoDeletionsRequest;
import io.mediamesh.api.v1.SchedulerServiceGrpc.SchedulerServiceBlockingStub;
import io.mediamesh.api.v1.Task;
import io.mediamesh.api.v1.TaskKind;
import io.mediamesh.api.v1.TaskState;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.testing.GrpcurlChecks;
import io.mediamesh.common.testing.Strangers;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.scheduler.testing.SchedulerMesh;
import io.mediamesh.scheduler.testing.SchedulerMesh.Instance;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SchedulerService's RPCs over real gRPC, with the engine off so that tasks stay as scheduled:
 * who may call what, idempotent scheduling, and reading tasks back.
 */
class SchedulerGrpcServiceTest {
    @RegisterExtension
    static final SchedulerMesh mesh = new SchedulerMesh();

    private static Instance scheduler;
    private static SchedulerServiceBlockingStub admin;
    private static SchedulerServiceBlockingStub service;

    @BeforeAll
    static void startScheduler() {
        scheduler = mesh.startScheduler("rpc-test", false);
        admin = asSession(scheduler, mesh.adminSession());
        service = asService(scheduler);
    }

    @Test
    void servesHealthReflectionDocsAndMetrics() throws Exception {
        GrpcurlChecks.assertServesTheBasics(scheduler.port(), Identity.OPERATOR);
    }

    @Test
    void schedulingIsIdempotentWhileTheTaskIsUnfinished() {
        ScheduleVideoDeletionResponse first = admin.scheduleVideoDeletion(deletion(1001));
        assertThat(first.getCreated()).isTrue();
        Task task = first.getTask();
        assertThat(task.getId()).isPositive();
        assertThat(task.getKind()).isEqualTo(TaskKind.TASK_KIND_DELETE_VIDEO_FILE);
        assertThat(task.getVideoId()).isEqualTo(1001);
        assertThat(task.getState()).isEqualTo(TaskState.TASK_STATE_PENDING);
        assertThat(task.getAttempts()).isZero();
        assertThat(task.getMaxAttempts()).isEqualTo(8);
        assertThat(task.getNextRunAt()).isEqualTo(task.getCreatedAt());
        assertThat(task.getLeaseOwner()).isEmpty();
        assertThat(task.hasCompletedAt()).isFalse();

        ScheduleVideoDeletionResponse again = service.scheduleVideoDeletion(deletion(1001));
        assertThat(again.getCreated()).isFalse();
        assertThat(again.getTask()).isEqualTo(task);
        assertThat(tasksOfVideo(1001)).isEqualTo(1);
    }

    @Test
    void concurrentSchedulingOfOneVideoMakesOneTask() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<ScheduleVideoDeletionResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> service.scheduleVideoDeletion(deletion(1002)));
            }
            List<ScheduleVideoDeletionResponse> responses = new ArrayList<>();
            for (Future<ScheduleVideoDeletionResponse> f : pool.invokeAll(calls)) {
                responses.add(f.get());
            }
            assertThat(responses.stream().filter(ScheduleVideoDeletionResponse::getCreated)).hasSize(1);
            assertThat(responses.stream().map(r -> r.getTask().getId()).distinct()).hasSize(1);
        } finally {
            pool.shutdown();
        }
        assertThat(tasksOfVideo(1002)).isEqualTo(1);
    }

    @Test
    void batchesScheduleEachDistinctVideoOnceInRequestOrder() {
        long existing = admin.scheduleVideoDeletion(deletion(1010)).getTask().getId();
        List<Task> tasks = service.scheduleVideoDeletions(ScheduleVideoDeletionsRequest.newBuilder()
                .addAllVideoIds(List.of(1012L, 1010L, 1011L, 1012L)).build()).getTasksList();
        assertThat(tasks).extracting(Task::getVideoId).containsExactly(1012L, 1010L, 1011L);
        assertThat(tasks.get(1).getId()).isEqualTo(existing);
        assertThat(tasks).extracting(Task::getState).containsOnly(TaskState.TASK_STATE_PENDING);

        List<Long> thousand = LongStream.rangeClosed(20_001, 21_000).boxed().toList();
        List<Task> big = service.scheduleVideoDeletions(
                ScheduleVideoDeletionsRequest.newBuilder().addAllVideoIds(thousand).build()).getTasksList();
        assertThat(big).extracting(Task::getVideoId).containsExactlyElementsOf(thousand);
    }

    @Test
    void badRequestsAreRejectedAndScheduleNothing() {
        int before = allTasks();
        expect(ErrorCode.INVALID_ID, () -> admin.scheduleVideoDeletion(deletion(0)));
        expect(ErrorCode.INVALID_ID, () -> admin.scheduleVideoDeletion(deletion(-5)));
        expect(ErrorCode.INVALID_REQUEST,
               () -> service.scheduleVideoDeletions(ScheduleVideoDeletionsRequest.getDefaultInstance()));
        expect(ErrorCode.INVALID_REQUEST, () -> service.scheduleVideoDeletions(ScheduleVideoDeletionsRequest
                .newBuilder().addAllVideoIds(LongStream.rangeClosed(1, 1001).boxed().toList()).build()));
        // One bad id fails the whole batch: the good ones before it are not scheduled either.
        expect(ErrorCode.INVALID_ID, () -> service.scheduleVideoDeletions(
                ScheduleVideoDeletionsRequest.newBuilder().addAllVideoIds(List.of(3001L, 0L)).build()));
        assertThat(allTasks()).isEqualTo(before);
    }

    @Test
    void onlyUserSvcAndAdminsMaySchedule() {
        String user = mesh.userSession("sched_plain");
        expect(ErrorCode.UNAUTHENTICATED, () -> asSession(scheduler, null).scheduleVideoDeletion(deletion(1020)));
        expect(ErrorCode.UNAUTHENTICATED, () -> asSession(scheduler, "not-a-session").scheduleVideoDeletion(
                deletion(1020)));
        // Another service's certificate, on its own behalf: refused, naming it.
        try (MeshTls media = TestMeshCa.tls(Identity.MEDIA_SVC)) {
            SchedulerServiceBlockingStub asMedia = TestMeshCa.grpc(media, scheduler.port())
                                                             .build(SchedulerServiceBlockingStub.class);
            assertThatThrownBy(() -> asMedia.scheduleVideoDeletion(deletion(1020)))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                        assertThat(e.getStatus().getDescription()).contains("media-svc");
                    });
        }
        try (Strangers strangers = new Strangers(Identity.USER_SVC)) {
            strangers.stubs(scheduler.port(), SchedulerServiceBlockingStub.class).forEach(
                    (who, stranger) -> assertThatThrownBy(() -> stranger.scheduleVideoDeletion(deletion(1020)))
                            .as(who).isInstanceOf(StatusRuntimeException.class));
        }
        expect(ErrorCode.PERMISSION_DENIED, () -> asSession(scheduler, user).scheduleVideoDeletion(deletion(1020)));
        expect(ErrorCode.PERMISSION_DENIED, () -> asSession(scheduler, user).scheduleVideoDeletions(
                ScheduleVideoDeletionsRequest.newBuilder().addVideoIds(1020).build()));
        assertThat(tasksOfVideo(1020)).isZero();
    }

    @Test
    void onlyAdminsReadTasks() {
        long id = service.scheduleVideoDeletion(deletion(1030)).getTask().getId();
        String user = mesh.userSession("sched_reader");
        GetTaskRequest get = GetTaskRequest.newBuilder().setTaskId(id).build();
        expect(ErrorCode.UNAUTHENTICATED, () -> asSession(scheduler, null).getTask(get));
        // user-svc's certificate schedules; it does not read (nor carry sessions here).
        expect(ErrorCode.PERMISSION_DENIED, () -> service.getTask(get));
        expect(ErrorCode.PERMISSION_DENIED, () -> asSession(scheduler, user).getTask(get));
        expect(ErrorCode.PERMISSION_DENIED, () -> asSession(scheduler, user).listTasks(
                ListTasksRequest.getDefaultInstance()));

        GetTaskResponse read = admin.getTask(get);
        assertThat(read.getTask().getVideoId()).isEqualTo(1030);
        assertThat(read.getRunsList()).isEmpty();
        expect(ErrorCode.TASK_NOT_FOUND, () -> admin.getTask(GetTaskRequest.newBuilder().setTaskId(987654).build()));
        expect(ErrorCode.INVALID_ID, () -> admin.getTask(GetTaskRequest.newBuilder().setTaskId(0).build()));
    }

    @Test
    void listPagesNewestFirstAndFiltersByState() {
        List<Long> ids = new ArrayList<>();
        for (long video = 1040; video < 1047; video++) {
            ids.add(service.scheduleVideoDeletion(deletion(video)).getTask().getId());
        }
        List<Long> seen = new ArrayList<>();
        String cursor = "";
        do {
            ListTasksResponse page = admin.listTasks(ListTasksRequest.newBuilder().setState(
                    TaskState.TASK_STATE_PENDING).setLimit(3).setCursor(cursor).build());
            assertThat(page.getTasksCount()).isLessThanOrEqualTo(3);
            page.getTasksList().forEach(t -> seen.add(t.getId()));
            cursor = page.getNextCursor();
        } while (!cursor.isEmpty());
        assertThat(seen).isSortedAccordingTo((a, b) -> Long.compare(b, a)).containsAll(ids);
        assertThat(admin.listTasks(ListTasksRequest.newBuilder().setState(TaskState.TASK_STATE_SUCCEEDED).build())
                        .getTasksList()).isEmpty();
        Set<Long> all = admin.listTasks(ListTasksRequest.getDefaultInstance()).getTasksList().stream()
                             .map(Task::getId).collect(Collectors.toSet());
        assertThat(all).containsAll(ids);

        expect(ErrorCode.INVALID_PAGINATION, () -> admin.listTasks(ListTasksRequest.newBuilder().setLimit(501).build()));
        expect(ErrorCode.INVALID_PAGINATION, () -> admin.listTasks(ListTasksRequest.newBuilder().setCursor("bm9wZQ")
                                                                                   .build()));
        expect(ErrorCode.INVALID_REQUEST, () -> admin.listTasks(ListTasksRequest.newBuilder().setStateValue(42)
                                                                                .build()));
    }

    @Test
    void anAdminRetriesAFailedTaskOnly() {
        Task task = service.scheduleVideoDeletion(deletion(1050)).getTask();
        RetryTaskRequest retry = RetryTaskRequest.newBuilder().setTaskId(task.getId()).build();
        expect(ErrorCode.TASK_NOT_RETRYABLE, () -> admin.retryTask(retry));
        failAsTheEngineWould(task.getId());
        expect(ErrorCode.UNAUTHENTICATED, () -> asSession(scheduler, null).retryTask(retry));
        expect(ErrorCode.PERMISSION_DENIED, () -> service.retryTask(retry));
        expect(ErrorCode.PERMISSION_DENIED, () -> asSession(scheduler, mesh.userSession("sched_retrier"))
                .retryTask(retry));
        assertThat(admin.getTask(GetTaskRequest.newBuilder().setTaskId(task.getId()).build()).getTask().getState())
                .isEqualTo(TaskState.TASK_STATE_FAILED);

        Task retried = admin.retryTask(retry).getTask();
        assertThat(retried.getState()).isEqualTo(TaskState.TASK_STATE_PENDING);
        assertThat(retried.getAttempts()).isEqualTo(8);
        assertThat(retried.getMaxAttempts()).isEqualTo(16);
        assertThat(retried.getNextRunAt()).isEqualTo(retried.getUpdatedAt());
        assertThat(retried.hasCompletedAt()).isFalse();
        assertThat(retried.getLastError()).isEqualTo("media-svc said no");
        // It is the video's unfinished task again: scheduling the video returns it.
        ScheduleVideoDeletionResponse again = service.scheduleVideoDeletion(deletion(1050));
        assertThat(again.getCreated()).isFalse();
        assertThat(again.getTask().getId()).isEqualTo(task.getId());
        expect(ErrorCode.TASK_NOT_RETRYABLE, () -> admin.retryTask(retry));

        // A failed task whose video was scheduled anew since is not retried beside the new one.
        failAsTheEngineWould(task.getId());
        long newer = service.scheduleVideoDeletion(deletion(1050)).getTask().getId();
        assertThat(newer).isNotEqualTo(task.getId());
        expect(ErrorCode.TASK_NOT_RETRYABLE, () -> admin.retryTask(retry));
        assertThat(tasksOfVideo(1050)).isEqualTo(2);
        // Nor once that newer task deleted the file: retrying the old one would delete it twice.
        succeedAsTheEngineWould(newer);
        assertThatThrownBy(() -> admin.retryTask(retry)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(ErrorCatalog.reasonOf(e)).contains(ErrorCode.TASK_NOT_RETRYABLE);
            assertThat(e.getStatus().getDescription())
                    .isEqualTo("Task " + newer + " already deleted video 1050's file; nothing to retry.");
        });
        assertThat(admin.getTask(GetTaskRequest.newBuilder().setTaskId(task.getId()).build()).getTask().getState())
                .isEqualTo(TaskState.TASK_STATE_FAILED);
        assertThat(tasksOfVideo(1050)).isEqualTo(2);

        expect(ErrorCode.TASK_NOT_FOUND, () -> admin.retryTask(RetryTaskRequest.newBuilder().setTaskId(987654).build()));
        expect(ErrorCode.INVALID_ID, () -> admin.retryTask(RetryTaskRequest.getDefaultInstance()));
    }

    @Test
    void aDeliveryThatRacesItsTaskFinishingGetsThatTaskBackNotASecondOne() throws Exception {
        long task = service.scheduleVideoDeletion(deletion(1070)).getTask().getId();
        DatabaseSettings db = mesh.schedulerDatabaseSettings();
        ExecutorService redeliveries = Executors.newSingleThreadExecutor();
        try (Connection recorder = DriverManager.getConnection(db.url() + "/" + db.schema(), db.user(),
                                                               db.password());
             PreparedStatement finish = recorder.prepareStatement(
                     "UPDATE tasks SET state = ?, active_video_id = NULL, claimable_at = NULL, completed_at = NOW(6) "
                     + "WHERE id = ?")) {
            // The engine's recorder finishing the task: written, not yet committed.
            recorder.setAutoCommit(false);
            finish.setString(1, TaskStates.SUCCEEDED);
            finish.setLong(2, task);
            finish.executeUpdate();
            // user-svc's outbox delivering the video again meanwhile (at least once).
            Future<ScheduleVideoDeletionResponse> again = redeliveries.submit(
                    () -> service.scheduleVideoDeletion(deletion(1070)));
            Thread.sleep(500);
            assertThat(again.isDone()).as("the insert waits for the finishing task's key").isFalse();
            recorder.commit();

            ScheduleVideoDeletionResponse response = again.get(10, TimeUnit.SECONDS);
            assertThat(response.getCreated()).isFalse();
            assertThat(response.getTask().getId()).isEqualTo(task);
            assertThat(response.getTask().getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
            assertThat(tasksOfVideo(1070)).as("tasks of the video").isEqualTo(1);
        } finally {
            redeliveries.shutdownNow();
        }
    }

    /** The row as the engine leaves a task that used up its attempts (the engine is off here). */
    private static void failAsTheEngineWould(long taskId) {
        LocalDateTime now = LocalDateTime.now(java.time.ZoneOffset.UTC);
        mesh.db().update(TASKS)
            .set(TASKS.STATE, TaskStates.FAILED)
            .set(TASKS.ATTEMPTS, TASKS.MAX_ATTEMPTS)
            .set(TASKS.LAST_ERROR, "media-svc said no")
            .set(TASKS.LAST_ERROR_CODE, ErrorCode.SERVICE_UNAVAILABLE.name())
            .set(TASKS.COMPLETED_AT, now)
            .setNull(TASKS.CLAIMABLE_AT)
            .setNull(TASKS.ACTIVE_VIDEO_ID)
            .where(TASKS.ID.eq(taskId))
            .execute();
    }

    /** The row as the engine leaves a task whose deletion succeeded. */
    private static void succeedAsTheEngineWould(long taskId) {
        LocalDateTime now = LocalDateTime.now(java.time.ZoneOffset.UTC);
        mesh.db().update(TASKS)
            .set(TASKS.STATE, TaskStates.SUCCEEDED)
            .set(TASKS.ATTEMPTS, 1)
            .set(TASKS.COMPLETED_AT, now)
            .setNull(TASKS.CLAIMABLE_AT)
            .setNull(TASKS.ACTIVE_VIDEO_ID)
            .where(TASKS.ID.eq(taskId))
            .execute();
    }

    private static ScheduleVideoDeletionRequest deletion(long videoId) {
        return ScheduleVideoDeletionRequest.newBuilder().setVideoId(videoId).build();
    }

    private static int tasksOfVideo(long videoId) {
        return mesh.db().fetchCount(TASKS,
                                    TASKS.VIDEO_ID.eq(videoId));
    }

    private static int allTasks() {
        return mesh.db().fetchCount(TASKS);
    }

    private static void expect(ErrorCode code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(ErrorCatalog.reasonOf(e)).as("reason of %s", e.getStatus()).contains(code));
    }
}
