package io.mediamesh.scheduler.engine;

import static io.mediamesh.scheduler.db.Tables.TASKS;
import static io.mediamesh.scheduler.db.Tables.TASK_RUNS;
import static io.mediamesh.scheduler.testing.SchedulerMesh.asService;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.api.v1.ScheduleVideoDeletionsRequest;
import io.mediamesh.common.testing.Await;
import io.mediamesh.scheduler.db.tables.records.TaskRunsRecord;
import io.mediamesh.scheduler.db.tables.records.TasksRecord;
import io.mediamesh.scheduler.testing.SchedulerMesh;
import io.mediamesh.scheduler.testing.SchedulerMesh.Instance;
import io.mediamesh.scheduler.testing.SchedulerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.jooq.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A scheduler-svc process killed with SIGKILL in the middle of a batch: nothing it held is lost, and
 * nothing it held is run again before its lease has expired.
 */
class KilledInstanceTest {
    private static final String DOOMED = "doomed";
    private static final Duration LEASE = Duration.ofSeconds(6);

    @RegisterExtension
    static final SchedulerMesh mesh = new SchedulerMesh();

    @Test
    void aKilledInstancesTasksAreRunByAnotherOnceTheirLeasesExpire() throws Exception {
        List<Long> videos = LongStream.rangeClosed(200_001, 200_600).boxed().toList();
        mesh.storeFiles(videos);
        Instance front = mesh.startScheduler("front", false);
        asService(front).scheduleVideoDeletions(
                ScheduleVideoDeletionsRequest.newBuilder().addAllVideoIds(videos).build());

        List<TasksRecord> stranded;
        // One worker behind a queue of 200: the process holds many claimed tasks while it works.
        try (SchedulerProcess doomed = SchedulerProcess.start(
                DOOMED, mesh.schedulerDatabaseSettings(), mesh.endpoints(),
                Map.of("mediamesh.scheduler-svc.engine.workers", "1",
                       "mediamesh.scheduler-svc.engine.batch-size", "200",
                       "mediamesh.scheduler-svc.engine.queue-capacity", "200",
                       "mediamesh.scheduler-svc.engine.lease", LEASE.toMillis() + "ms",
                       "mediamesh.client.deadline", "1s",
                       // Database waits stay below that deadline (the service refuses to start otherwise).
                       "mediamesh.database.connection-timeout", "300ms",
                       "mediamesh.database.query-timeout", "600ms"))) {
            Condition heldByDoomed = TASKS.STATE.eq("running").and(TASKS.LEASE_OWNER.eq(DOOMED));
            Await.until("the process gets going", Duration.ofSeconds(90),
                             () -> !doomed.isAlive() ||
                                   mesh.db().fetchCount(TASKS, TASKS.STATE.eq("succeeded")) > 0 &&
                                   mesh.db().fetchCount(TASKS, heldByDoomed) > 0,
                             () -> "the process did not get going");
            assertThat(doomed.isAlive()).as("the scheduler process runs; its output:%n%s", doomed.output()).isTrue();
            doomed.kill();
            stranded = mesh.db().selectFrom(TASKS).where(heldByDoomed).fetch();
        }
        assertThat(stranded).as("tasks the killed process held").isNotEmpty();

        Instance rescuer = mesh.startScheduler("rescuer", true);
        try {
            Await.until("all 600 tasks succeed", Duration.ofSeconds(60),
                             () -> mesh.db().fetchCount(TASKS, TASKS.STATE.eq("succeeded")) == 600,
                             () -> "states " + mesh.db().fetch("select state, count(*) from tasks group by state"));
        } finally {
            rescuer.stop();
            front.stop();
        }

        for (TasksRecord lost : stranded) {
            List<TaskRunsRecord> runs = mesh.db().selectFrom(TASK_RUNS).where(TASK_RUNS.TASK_ID.eq(lost.getId()))
                                            .orderBy(TASK_RUNS.ATTEMPT).fetch();
            assertThat(runs).hasSize(2);
            TaskRunsRecord killed = runs.get(0);
            TaskRunsRecord rescue = runs.get(1);
            assertThat(killed.getOwner()).isEqualTo(DOOMED);
            assertThat(killed.getFinishedAt()).as("a run the killed process never reported").isNull();
            assertThat(rescue.getOwner()).isEqualTo("rescuer");
            assertThat(rescue.getOutcome()).isEqualTo("succeeded");
            // Claimed again only once the killed process's lease had expired: never two at once.
            assertThat(rescue.getStartedAt()).isAfterOrEqualTo(killed.getLeaseExpiresAt());
        }
        // Every other task ran once, and no task succeeded twice.
        assertThat(mesh.db().fetchCount(TASK_RUNS)).isEqualTo(600 + stranded.size());
        assertThat(mesh.db().fetchCount(TASK_RUNS, TASK_RUNS.OUTCOME.eq("succeeded"))).isEqualTo(600);
        assertThat(videos).noneMatch(mesh::hasFile);
    }
}
