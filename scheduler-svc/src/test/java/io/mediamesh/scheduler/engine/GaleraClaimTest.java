package io.mediamesh.scheduler.engine;

import static io.mediamesh.scheduler.db.Tables.TASKS;
import static io.mediamesh.scheduler.db.Tables.TASK_RUNS;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.common.testing.Await;
import io.mediamesh.common.testing.GaleraClusterExtension;
import io.mediamesh.scheduler.db.tables.records.TaskRunsRecord;
import io.mediamesh.scheduler.db.tables.records.TasksRecord;
import io.mediamesh.scheduler.testing.SchedulerMesh;
import io.mediamesh.scheduler.testing.SchedulerMesh.Instance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.jooq.Condition;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two scheduler-svc instances on a three-node Galera cluster, each connected to a different node,
 * claiming from one queue at once. FOR UPDATE SKIP LOCKED locks rows on one node only, so both
 * instances select the same due tasks; the claim that reaches the cluster second fails
 * certification and is run again (ConflictRetry), then finds them claimed. No task runs twice.
 */
class GaleraClaimTest {
    @RegisterExtension
    @Order(1)
    static final GaleraClusterExtension galera = new GaleraClusterExtension();

    @RegisterExtension
    @Order(2)
    static final SchedulerMesh mesh = new SchedulerMesh(base -> galera.cluster().account("mmt_" + base, 0));

    @Test
    void twoInstancesOnDifferentNodesRunEveryTaskExactlyOnce() throws Exception {
        List<Long> videos = LongStream.rangeClosed(300_001, 300_600).boxed().toList();
        mesh.storeFiles(videos);
        long callsBefore = mesh.mediaDeleteCalls();
        // Small batches claimed often: many claims of the same due rows from both nodes.
        Map<String, Object> eager = Map.of("mediamesh.scheduler-svc.engine.batch-size", 20);
        Instance a = mesh.startScheduler("galera-a", true, eager,
                                         mesh.schedulerDatabaseSettings().withUrl(galera.cluster().url(0)));
        Instance b = mesh.startScheduler("galera-b", true, eager,
                                         mesh.schedulerDatabaseSettings().withUrl(galera.cluster().url(1)));
        try {
            assertThat(nodePort(a)).isEqualTo(galera.cluster().node(0).port());
            assertThat(nodePort(b)).isEqualTo(galera.cluster().node(1).port());
            long began = System.nanoTime();
            SchedulerMesh.scheduleDeletions(videos, 100, a, b);
            Condition ofTheseVideos = TASKS.VIDEO_ID.between(300_001L, 300_600L);
            Await.until("all 600 tasks succeed", Duration.ofSeconds(120),
                             () -> mesh.db().fetchCount(TASKS, ofTheseVideos.and(TASKS.STATE.eq("succeeded"))) == 600,
                             () -> "states " + mesh.db().fetch("select state, count(*) from tasks group by state"));
            System.out.println("GaleraClaimTest: 600 tasks on two nodes in " + (System.nanoTime() - began) / 1_000_000
                               + " ms; claims and writes retried after a conflict: " + a.conflictRetries()
                               + " (galera-a) + " + b.conflictRetries() + " (galera-b)");

            List<TasksRecord> tasks = mesh.db().selectFrom(TASKS).where(ofTheseVideos).fetch();
            assertThat(tasks).hasSize(600).allSatisfy(task -> {
                assertThat(task.getAttempts()).isEqualTo(1);
                assertThat(task.getFileExisted()).as("no earlier run deleted the file").isTrue();
            });
            List<TaskRunsRecord> runs = mesh.db().selectFrom(TASK_RUNS)
                                            .where(TASK_RUNS.TASK_ID.in(tasks.stream().map(TasksRecord::getId).toList()))
                                            .fetch();
            assertThat(runs).hasSize(600).allSatisfy(run -> assertThat(run.getOutcome()).isEqualTo("succeeded"));
            Map<String, Long> runsByOwner = runs.stream().collect(
                    Collectors.groupingBy(TaskRunsRecord::getOwner, Collectors.counting()));
            assertThat(runsByOwner).containsOnlyKeys("galera-a", "galera-b");
            assertThat(a.conflictRetries() + b.conflictRetries()).as("claims of the same rows on two nodes conflicted")
                                                                 .isPositive();
            // What media-svc itself saw: one deletion per video, none repeated.
            assertThat(mesh.mediaDeleteCalls() - callsBefore).isEqualTo(600);
            assertThat(videos).noneMatch(mesh::hasFile);
        } finally {
            a.stop();
            b.stop();
        }
    }

    /** The port of the Galera node an instance's pool is connected to. */
    private static int nodePort(Instance instance) {
        return instance.db().fetchOne("SELECT @@port").get(0, Integer.class);
    }
}
