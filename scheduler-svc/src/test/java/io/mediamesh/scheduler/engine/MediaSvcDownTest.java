package io.mediamesh.scheduler.engine;

import static io.mediamesh.scheduler.db.Tables.TASKS;
import static io.mediamesh.scheduler.db.Tables.TASK_RUNS;
import static io.mediamesh.scheduler.testing.SchedulerMesh.asService;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.api.v1.ScheduleVideoDeletionRequest;
import io.mediamesh.api.v1.ScheduleVideoDeletionResponse;
import io.mediamesh.api.v1.ScheduleVideoDeletionsRequest;
import io.mediamesh.api.v1.SchedulerServiceGrpc.SchedulerServiceBlockingStub;
import io.mediamesh.api.v1.TaskState;
import io.mediamesh.common.testing.Await;
import io.mediamesh.scheduler.db.tables.records.TaskRunsRecord;
import io.mediamesh.scheduler.db.tables.records.TasksRecord;
import io.mediamesh.scheduler.testing.SchedulerMesh;
import io.mediamesh.scheduler.testing.SchedulerMesh.Instance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** media-svc down while tasks are due: retries with exponential backoff, success once it is back, or FAILED. */
class MediaSvcDownTest {
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(300), 2.0, Duration.ofMillis(1200));

    @RegisterExtension
    static final SchedulerMesh mesh = new SchedulerMesh()
            .with("mediamesh.scheduler-svc.retry.backoff-base", "300ms")
            .with("mediamesh.scheduler-svc.retry.backoff-factor", 2.0)
            .with("mediamesh.scheduler-svc.retry.backoff-cap", "1200ms");

    @Test
    void retriesWithBackoffWhileMediaSvcIsDownThenSucceeds() throws Exception {
        List<Long> videos = List.of(300_001L, 300_002L, 300_003L);
        Condition ofTheseVideos = TASKS.VIDEO_ID.in(videos);
        mesh.storeFiles(videos);
        mesh.stopMediaSvc();
        Instance patient = mesh.startScheduler("patient", true);
        try {
            try {
                asService(patient).scheduleVideoDeletions(
                        ScheduleVideoDeletionsRequest.newBuilder().addAllVideoIds(videos).build());
                // Five failed runs each: waits of 300, 600, 1200 and 1200 ms (the cap) between them.
                Await.until("the 3 tasks reach 5 attempts", Duration.ofSeconds(60),
                                 () -> mesh.db().fetchCount(TASKS, ofTheseVideos.and(TASKS.ATTEMPTS.ge(5))) == 3,
                                 () -> "attempts " + mesh.db().select(TASKS.VIDEO_ID, TASKS.ATTEMPTS).from(TASKS)
                                                         .where(ofTheseVideos).fetch());
                for (TasksRecord task : mesh.db().selectFrom(TASKS).where(ofTheseVideos).fetch()) {
                    assertThat(task.getState()).isIn("pending", "running");
                    assertThat(task.getLastErrorCode()).isEqualTo("SERVICE_UNAVAILABLE");
                    assertThat(task.getLastError()).startsWith("media-svc: ");
                    List<TaskRunsRecord> runs = runs(task.getId());
                    for (int attempt = 1; attempt < 5; attempt++) {
                        TaskRunsRecord failed = runs.get(attempt - 1);
                        assertThat(failed.getOutcome()).isEqualTo("failed");
                        assertThat(failed.getError()).isEqualTo(task.getLastError());
                        Duration gap = Duration.between(failed.getStartedAt(), runs.get(attempt).getStartedAt());
                        assertThat(gap).as("wait after attempt %d", attempt)
                                       .isGreaterThanOrEqualTo(BACKOFF.after(attempt))
                                       .isLessThan(BACKOFF.after(attempt).plusSeconds(3));
                    }
                }
                assertThat(videos).allMatch(mesh::hasFile);
            } finally {
                mesh.startMediaSvc();
            }
            Await.until("the 3 tasks succeed", Duration.ofSeconds(30),
                             () -> mesh.db().fetchCount(TASKS, ofTheseVideos.and(TASKS.STATE.eq("succeeded"))) == 3,
                             () -> "states " + mesh.db().select(TASKS.VIDEO_ID, TASKS.STATE).from(TASKS)
                                                   .where(ofTheseVideos).fetch());
        } finally {
            patient.stop();
        }
        for (TasksRecord task : mesh.db().selectFrom(TASKS).where(ofTheseVideos).fetch()) {
            assertThat(task.getFileExisted()).isTrue();
            List<TaskRunsRecord> runs = runs(task.getId());
            assertThat(runs).hasSize(task.getAttempts());
            assertThat(runs.get(runs.size() - 1).getOutcome()).isEqualTo("succeeded");
        }
        assertThat(videos).noneMatch(mesh::hasFile);
    }

    @Test
    void givesUpAfterMaxAttemptsAndTheVideoCanBeScheduledAgain() throws Exception {
        long video = 300_010L;
        mesh.storeFiles(List.of(video));
        mesh.stopMediaSvc();
        Instance quitter = mesh.startScheduler("quitter", true,
                                               Map.of("mediamesh.scheduler-svc.retry.max-attempts", 3));
        try {
            SchedulerServiceBlockingStub scheduler = asService(quitter);
            ScheduleVideoDeletionRequest deletion = ScheduleVideoDeletionRequest.newBuilder().setVideoId(video).build();
            long first = scheduler.scheduleVideoDeletion(deletion).getTask().getId();
            try {
                Await.until("the first task fails", Duration.ofSeconds(30), () -> "failed".equals(task(first).getState()),
                                 () -> "task " + task(first));
            } finally {
                mesh.startMediaSvc();
            }
            TasksRecord failed = task(first);
            assertThat(failed.getAttempts()).isEqualTo(3);
            assertThat(failed.getMaxAttempts()).isEqualTo(3);
            assertThat(failed.getLastErrorCode()).isEqualTo("SERVICE_UNAVAILABLE");
            assertThat(failed.getLastError()).startsWith("media-svc: ");
            assertThat(failed.getCompletedAt()).isNotNull();
            assertThat(failed.getClaimableAt()).isNull();
            assertThat(runs(first)).hasSize(3).allSatisfy(run -> assertThat(run.getOutcome()).isEqualTo("failed"));
            assertThat(mesh.hasFile(video)).isTrue();

            // A finished task does not block a new one for the same video.
            ScheduleVideoDeletionResponse again = scheduler.scheduleVideoDeletion(deletion);
            assertThat(again.getCreated()).isTrue();
            long second = again.getTask().getId();
            assertThat(second).isNotEqualTo(first);
            Await.until("the second task succeeds", Duration.ofSeconds(30), () -> "succeeded".equals(task(second).getState()),
                             () -> "task " + task(second));
            assertThat(again.getTask().getState()).isEqualTo(TaskState.TASK_STATE_PENDING);
            assertThat(task(first).getState()).isEqualTo("failed");
            assertThat(mesh.hasFile(video)).isFalse();

            // Its file deleted, the video gets that task back: a repeated delivery (user-svc's outbox
            // delivers at least once) runs no second deletion.
            ScheduleVideoDeletionResponse repeated = scheduler.scheduleVideoDeletion(deletion);
            assertThat(repeated.getCreated()).isFalse();
            assertThat(repeated.getTask().getId()).isEqualTo(second);
            assertThat(repeated.getTask().getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
        } finally {
            quitter.stop();
        }
    }

    private static TasksRecord task(long id) {
        return mesh.db().selectFrom(TASKS).where(TASKS.ID.eq(id)).fetchOne();
    }

    private static List<TaskRunsRecord> runs(long taskId) {
        return mesh.db().selectFrom(TASK_RUNS).where(TASK_RUNS.TASK_ID.eq(taskId)).orderBy(TASK_RUNS.ATTEMPT).fetch();
    }
}
