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
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.jooq.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine against the real media-svc and MariaDB: several instances sharing the schema, a graceful
 * stop, and an idle engine.
 */
class TaskEngineTest {
    @RegisterExtension
    static final SchedulerMesh mesh = new SchedulerMesh();

    @Test
    void thousandTasksOnTwoInstancesRunExactlyOnceEach() throws Exception {
        List<Long> videos = LongStream.rangeClosed(100_001, 101_000).boxed().toList();
        mesh.storeFiles(videos);
        long callsBefore = mesh.mediaDeleteCalls();
        Instance a = mesh.startScheduler("engine-a", true);
        Instance b = mesh.startScheduler("engine-b", true);
        try {
            // Scheduled through both instances while both engines already claim.
            SchedulerMesh.scheduleDeletions(videos, 100, a, b);
            Condition ofTheseVideos = TASKS.VIDEO_ID.between(100_001L, 101_000L);
            Await.until("all 1000 tasks succeed", Duration.ofSeconds(120),
                             () -> mesh.db().fetchCount(TASKS, ofTheseVideos.and(TASKS.STATE.eq("succeeded"))) == 1000,
                             () -> "states " + mesh.db().fetch("select state, count(*) from tasks group by state"));

            List<TasksRecord> tasks = mesh.db().selectFrom(TASKS).where(ofTheseVideos).fetch();
            assertThat(tasks).hasSize(1000).allSatisfy(task -> {
                assertThat(task.getAttempts()).isEqualTo(1);
                // media-svc found the file: no earlier run had deleted it.
                assertThat(task.getFileExisted()).isTrue();
                assertThat(task.getLeaseOwner()).isNull();
                assertThat(task.getCompletedAt()).isNotNull();
            });
            List<TaskRunsRecord> runs = mesh.db().selectFrom(TASK_RUNS)
                                            .where(TASK_RUNS.TASK_ID.in(tasks.stream().map(TasksRecord::getId).toList()))
                                            .fetch();
            assertThat(runs).hasSize(1000).allSatisfy(run -> {
                assertThat(run.getOutcome()).isEqualTo("succeeded");
                assertThat(run.getFinishedAt()).isAfterOrEqualTo(run.getStartedAt());
            });
            Map<String, Long> runsByOwner = runs.stream().collect(
                    Collectors.groupingBy(TaskRunsRecord::getOwner, Collectors.counting()));
            assertThat(runsByOwner).containsOnlyKeys("engine-a", "engine-b");
            assertThat(runsByOwner.values()).allSatisfy(count -> assertThat(count).isPositive());
            // What media-svc itself saw: one deletion per video, none repeated, none concurrent twice.
            assertThat(mesh.mediaDeleteCalls() - callsBefore).isEqualTo(1000);
            assertThat(videos).noneMatch(mesh::hasFile);
        } finally {
            a.stop();
            b.stop();
        }
    }

    @Test
    void aStoppedInstanceFinishesItsRunningTasksAndHandsBackTheQueuedOnes() throws Exception {
        List<Long> videos = LongStream.rangeClosed(102_001, 102_600).boxed().toList();
        mesh.storeFiles(videos);
        Condition ofTheseVideos = TASKS.VIDEO_ID.between(102_001L, 102_600L);
        // One worker behind a long queue: most claimed tasks are still queued when the stop comes.
        Instance leaver = mesh.startScheduler("leaver", true, Map.of("mediamesh.scheduler-svc.engine.workers", 1,
                                                                     "mediamesh.scheduler-svc.engine.batch-size", 500,
                                                                     "mediamesh.scheduler-svc.engine.queue-capacity",
                                                                     500));
        asService(leaver).scheduleVideoDeletions(
                ScheduleVideoDeletionsRequest.newBuilder().addAllVideoIds(videos).build());
        Await.until("a task succeeds", Duration.ofSeconds(30),
                         () -> mesh.db().fetchCount(TASKS, ofTheseVideos.and(TASKS.STATE.eq("succeeded"))) > 0,
                         () -> "nothing succeeded");
        leaver.stop();

        // Nothing is left leased to the stopped instance: each task is done or claimable again at once,
        // with the attempt it never started undone.
        assertThat(mesh.db().fetchCount(TASKS, ofTheseVideos.and(TASKS.STATE.eq("running")))).isZero();
        List<TasksRecord> handedBack = mesh.db().selectFrom(TASKS)
                                           .where(ofTheseVideos.and(TASKS.STATE.eq("pending"))).fetch();
        assertThat(handedBack).isNotEmpty().allSatisfy(task -> {
            assertThat(task.getAttempts()).isZero();
            assertThat(task.getLeaseOwner()).isNull();
            assertThat(task.getClaimableAt()).isEqualTo(task.getNextRunAt());
        });
        assertThat(mesh.db().fetchCount(TASK_RUNS, TASK_RUNS.TASK_ID.in(
                handedBack.stream().map(TasksRecord::getId).toList()))).isZero();
        assertThat(handedBack).allSatisfy(task -> assertThat(mesh.hasFile(task.getVideoId())).isTrue());

        Instance finisher = mesh.startScheduler("finisher", true);
        try {
            Await.until("all 600 tasks succeed", Duration.ofSeconds(60),
                             () -> mesh.db().fetchCount(TASKS, ofTheseVideos.and(TASKS.STATE.eq("succeeded"))) == 600,
                             () -> "states " + mesh.db().fetch("select state, count(*) from tasks group by state"));
        } finally {
            finisher.stop();
        }
        assertThat(mesh.db().fetchCount(TASKS, ofTheseVideos.and(TASKS.FILE_EXISTED.isTrue()))).isEqualTo(600);
        assertThat(mesh.db().selectDistinct(TASK_RUNS.OWNER).from(TASK_RUNS).join(TASKS)
                       .on(TASKS.ID.eq(TASK_RUNS.TASK_ID)).where(ofTheseVideos).fetch(TASK_RUNS.OWNER))
                .containsExactlyInAnyOrder("leaver", "finisher");
        assertThat(videos).noneMatch(mesh::hasFile);
    }

    @Test
    void anIdleEngineSleepsBetweenTicks() throws Exception {
        Instance idler = mesh.startScheduler("idler", true, Map.of("mediamesh.scheduler-svc.engine.tick", "100ms"));
        try {
            Thread.sleep(500);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Map<String, Long> before = cpuNanosByRole(threads);
            Thread.sleep(3000);
            Map<String, Long> after = cpuNanosByRole(threads);
            long waitingCpu = after.get("waiting") - before.get("waiting");
            long dispatcherCpu = after.get("dispatcher") - before.get("dispatcher");
            // Workers and the recorder block on their queues: no CPU at all while nothing is due.
            assertThat(waitingCpu).isLessThan(Duration.ofMillis(20).toNanos());
            // The dispatcher runs one small query per tick (30 ticks here), not a loop.
            assertThat(dispatcherCpu).isPositive().isLessThan(Duration.ofMillis(500).toNanos());
        } finally {
            idler.stop();
        }
    }

    /** CPU time of the idler's dispatcher, and of its workers and recorder together. */
    private static Map<String, Long> cpuNanosByRole(ThreadMXBean threads) {
        long dispatcher = 0;
        long waiting = 0;
        int found = 0;
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            String name = info.getThreadName();
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (name.startsWith("scheduler-dispatcher-idler")) {
                dispatcher += cpu;
                found++;
            } else if (name.startsWith("scheduler-worker-idler") || name.startsWith("scheduler-recorder-idler")) {
                waiting += cpu;
                found++;
            }
        }
        // One dispatcher, eight workers, one recorder.
        assertThat(found).isEqualTo(10);
        return Map.of("dispatcher", dispatcher, "waiting", waiting);
    }
}
