package io.mediamesh.scheduler.engine;

import static io.mediamesh.scheduler.db.Tables.TASKS;
import static io.mediamesh.scheduler.db.Tables.TASK_RUNS;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.db.ConflictRetry;
import io.mediamesh.common.time.Times;
import io.mediamesh.scheduler.db.tables.records.TasksRecord;
import io.mediamesh.scheduler.task.ReadCommitted;
import io.mediamesh.scheduler.task.TaskStates;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record4;
import org.jooq.UpdateSetMoreStep;
import org.jooq.impl.DSL;

/**
 * The engine's writes to the tasks table: claiming due tasks under a lease, and finishing or handing
 * back a claim. Every write after the claim is conditional on the claim still being this one
 * (owner and attempt), so an instance whose lease passed to another can never overwrite its result.
 */
final class Leases {
    private final DSLContext db;
    private final String owner;
    private final ConflictRetry retry;

    Leases(DSLContext db, String owner, ConflictRetry retry) {
        this.db = db;
        this.owner = owner;
        this.retry = retry;
    }

    /**
     * Claims up to {@code limit} tasks that are due (pending and past next_run_at) or whose lease
     * has expired, in one transaction. {@code FOR UPDATE SKIP LOCKED} lets instances claim side by
     * side: rows another instance is claiming are skipped rather than waited for, and once it commits
     * they are no longer claimable. On Galera, where locks do not reach other nodes, two instances
     * may select the same rows; the second to commit is rolled back and claims again (ReadCommitted).
     *
     * <p>A task whose lease expired on its last attempt is marked FAILED instead of run again.
     */
    List<ClaimedTask> claim(int limit, Instant now, Duration lease) {
        LocalDateTime at = Times.toDb(now);
        Instant expires = now.plus(lease);
        LocalDateTime expiresAt = Times.toDb(expires);
        return ReadCommitted.transaction(db, retry, configuration -> {
            DSLContext tx = configuration.dsl();
            List<Record4<Long, Long, Integer, Integer>> due =
                    tx.select(TASKS.ID, TASKS.VIDEO_ID, TASKS.ATTEMPTS, TASKS.MAX_ATTEMPTS)
                      .from(TASKS)
                      .where(TASKS.CLAIMABLE_AT.le(at))
                      .orderBy(TASKS.CLAIMABLE_AT)
                      .limit(limit)
                      .forUpdate()
                      .skipLocked()
                      .fetch();
            List<ClaimedTask> claimed = new ArrayList<>(due.size());
            List<Long> exhausted = new ArrayList<>();
            for (Record4<Long, Long, Integer, Integer> row : due) {
                if (row.value3() >= row.value4()) {
                    exhausted.add(row.value1());
                } else {
                    claimed.add(new ClaimedTask(row.value1(), row.value2(), row.value3() + 1, row.value4(),
                                                expires));
                }
            }
            if (!exhausted.isEmpty()) {
                finished(tx, TaskStates.FAILED, at).set(TASKS.LAST_ERROR_CODE, ErrorCode.INTERNAL_ERROR.name())
                        .set(TASKS.LAST_ERROR, "The instance running the last attempt stopped before finishing it " +
                                               "(its lease expired).")
                        .where(TASKS.ID.in(exhausted))
                        .execute();
            }
            if (!claimed.isEmpty()) {
                tx.update(TASKS)
                  .set(TASKS.STATE, TaskStates.RUNNING)
                  .set(TASKS.ATTEMPTS, TASKS.ATTEMPTS.plus(1))
                  .set(TASKS.LEASE_OWNER, owner)
                  .set(TASKS.LEASE_EXPIRES_AT, expiresAt)
                  .set(TASKS.CLAIMABLE_AT, expiresAt)
                  .set(TASKS.UPDATED_AT, at)
                  .where(TASKS.ID.in(claimed.stream().map(ClaimedTask::id).toList()))
                  .execute();
                var runs = tx.insertInto(TASK_RUNS, TASK_RUNS.TASK_ID, TASK_RUNS.ATTEMPT, TASK_RUNS.OWNER,
                                         TASK_RUNS.STARTED_AT, TASK_RUNS.LEASE_EXPIRES_AT);
                for (ClaimedTask task : claimed) {
                    runs = runs.values(task.id(), task.attempt(), owner, at, expiresAt);
                }
                runs.execute();
            }
            return claimed;
        });
    }

    /**
     * Records the outcomes of finished runs in one transaction, each only if its claim is still this
     * one (the rows are locked first, so no claim can change under the writes). A success makes the
     * task SUCCEEDED; a failure makes it PENDING until its retryAt, or FAILED without one.
     *
     * @return the runs whose claim had passed to another run: their outcome is discarded
     */
    List<ClaimedTask> finish(List<Outcome> outcomes, Instant now) {
        LocalDateTime at = Times.toDb(now);
        return ReadCommitted.transaction(db, retry, configuration -> {
            DSLContext tx = configuration.dsl();
            List<Long> ids = outcomes.stream().map(o -> o.task().id()).toList();
            // Locked by primary key, then checked here: the claims still this instance's.
            Set<Claim> held = new HashSet<>();
            for (var row : tx.select(TASKS.ID, TASKS.ATTEMPTS, TASKS.STATE, TASKS.LEASE_OWNER)
                             .from(TASKS).where(TASKS.ID.in(ids)).forUpdate().fetch()) {
                if (TaskStates.RUNNING.equals(row.value3()) && owner.equals(row.value4())) {
                    held.add(new Claim(row.value1(), row.value2()));
                }
            }
            List<ClaimedTask> lost = new ArrayList<>();
            List<ClaimedTask> withFile = new ArrayList<>();
            List<ClaimedTask> withoutFile = new ArrayList<>();
            for (Outcome outcome : outcomes) {
                ClaimedTask task = outcome.task();
                if (!held.contains(new Claim(task.id(), task.attempt()))) {
                    lost.add(task);
                    endRuns(tx, List.of(task), TaskStates.RUN_LEASE_LOST, outcome.error(), at);
                } else if (outcome.succeeded()) {
                    (outcome.fileExisted() ? withFile : withoutFile).add(task);
                } else {
                    fail(tx, outcome, at);
                }
            }
            succeed(tx, withFile, true, at);
            succeed(tx, withoutFile, false, at);
            return lost;
        });
    }

    private static void succeed(DSLContext tx, List<ClaimedTask> tasks, boolean fileExisted, LocalDateTime at) {
        if (tasks.isEmpty()) {
            return;
        }
        finished(tx, TaskStates.SUCCEEDED, at).set(TASKS.FILE_EXISTED, fileExisted)
                                              .where(TASKS.ID.in(tasks.stream().map(ClaimedTask::id).toList()))
                                              .execute();
        endRuns(tx, tasks, TaskStates.RUN_SUCCEEDED, null, at);
    }

    private static void fail(DSLContext tx, Outcome outcome, LocalDateTime at) {
        var update = outcome.retryAt() == null
                ? finished(tx, TaskStates.FAILED, at)
                : tx.update(TASKS)
                    .set(TASKS.STATE, TaskStates.PENDING)
                    .set(TASKS.NEXT_RUN_AT, Times.toDb(outcome.retryAt()))
                    .set(TASKS.CLAIMABLE_AT, Times.toDb(outcome.retryAt()))
                    .setNull(TASKS.LEASE_OWNER)
                    .setNull(TASKS.LEASE_EXPIRES_AT)
                    .set(TASKS.UPDATED_AT, at);
        update.set(TASKS.LAST_ERROR, outcome.error())
              .set(TASKS.LAST_ERROR_CODE, outcome.code().name())
              .where(TASKS.ID.eq(outcome.task().id()))
              .execute();
        endRuns(tx, List.of(outcome.task()), TaskStates.RUN_FAILED, outcome.error(), at);
    }

    /**
     * Hands back claims that never started (queued at a stop, or with too little lease left): the
     * claim is undone, attempt and run included, and the task is claimable again at once.
     */
    void release(List<ClaimedTask> tasks, Instant now) {
        if (tasks.isEmpty()) {
            return;
        }
        LocalDateTime at = Times.toDb(now);
        ReadCommitted.transaction(db, retry, configuration -> {
            DSLContext tx = configuration.dsl();
            for (ClaimedTask task : tasks) {
                int released = tx.update(TASKS)
                                 .set(TASKS.STATE, TaskStates.PENDING)
                                 .set(TASKS.ATTEMPTS, TASKS.ATTEMPTS.minus(1))
                                 .set(TASKS.CLAIMABLE_AT, TASKS.NEXT_RUN_AT)
                                 .setNull(TASKS.LEASE_OWNER)
                                 .setNull(TASKS.LEASE_EXPIRES_AT)
                                 .set(TASKS.UPDATED_AT, at)
                                 .where(heldBy(task))
                                 .execute();
                if (released == 1) {
                    tx.deleteFrom(TASK_RUNS)
                      .where(TASK_RUNS.TASK_ID.eq(task.id()).and(TASK_RUNS.ATTEMPT.eq(task.attempt())))
                      .execute();
                }
            }
            return null;
        });
    }

    /** A claim's identity: the task and the attempt it started. */
    private record Claim(long id, int attempt) {}

    /** The claim {@code task} is still this instance's: nobody claimed the task since. */
    private Condition heldBy(ClaimedTask task) {
        return TASKS.ID.eq(task.id())
                       .and(TASKS.STATE.eq(TaskStates.RUNNING))
                       .and(TASKS.LEASE_OWNER.eq(owner))
                       .and(TASKS.ATTEMPTS.eq(task.attempt()));
    }

    /** An update into a final state: no lease, never claimable, and the video free for a new task. */
    private static UpdateSetMoreStep<TasksRecord> finished(DSLContext tx, String state, LocalDateTime at) {
        return tx.update(TASKS)
                 .set(TASKS.STATE, state)
                 .set(TASKS.COMPLETED_AT, at)
                 .set(TASKS.UPDATED_AT, at)
                 .setNull(TASKS.LEASE_OWNER)
                 .setNull(TASKS.LEASE_EXPIRES_AT)
                 .setNull(TASKS.CLAIMABLE_AT)
                 .setNull(TASKS.ACTIVE_VIDEO_ID);
    }

    private static void endRuns(DSLContext tx, List<ClaimedTask> tasks, String outcome, String error,
                                LocalDateTime at) {
        tx.update(TASK_RUNS)
          .set(TASK_RUNS.FINISHED_AT, at)
          .set(TASK_RUNS.OUTCOME, outcome)
          .set(TASK_RUNS.ERROR, error)
          .where(TASK_RUNS.TASK_ID.in(tasks.stream().map(ClaimedTask::id).toList())
                                  .and(DSL.row(TASK_RUNS.TASK_ID, TASK_RUNS.ATTEMPT).in(
                                          tasks.stream().map(t -> DSL.row(t.id(), t.attempt())).toList())))
          .execute();
    }
}
