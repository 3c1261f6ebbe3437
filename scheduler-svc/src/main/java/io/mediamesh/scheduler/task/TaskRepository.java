package io.mediamesh.scheduler.task;

import static io.mediamesh.scheduler.db.Tables.TASKS;
import static io.mediamesh.scheduler.db.Tables.TASK_RUNS;

import io.mediamesh.common.db.ConflictRetry;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.time.Times;
import io.mediamesh.scheduler.db.tables.Tasks;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/** Scheduling and reading tasks. Running them is the engine's (see io.mediamesh.scheduler.engine). */
public final class TaskRepository {
    private final DSLContext db;
    private final ConflictRetry retry;

    public TaskRepository(DSLContext db, ConflictRetry retry) {
        this.db = db;
        this.retry = retry;
    }

    /** A task and whether this call created it (false: an unfinished or a succeeded one existed). */
    public record Scheduled(TaskRecord task, boolean created) {}

    /**
     * Schedules the deletion of each video's file, due now, in one transaction. A video that already has an
     * unfinished task keeps it: the unique key on (kind, active_video_id) turns its insert into a no-op and
     * holds a lock on the existing row, so it cannot finish before it is read back here. A video whose file
     * a task already deleted gets that task back rather than a new one: user-svc's outbox delivers at least
     * once, and a delivery repeated after the first task finished (its answer lost to a restart) must not
     * run the deletion again. A failed task leaves the video free for a new one.
     *
     * <p>The ids travel as one JSON array expanded by JSON_TABLE, so a thousand videos are one small
     * statement with one parameter rather than ten thousand.
     *
     * @param videoIds distinct, positive
     * @return one entry per id, keyed by video id
     */
    public Map<Long, Scheduled> scheduleDeletions(List<Long> videoIds, int maxAttempts, Instant now) {
        // Sorted inserts take their locks in one order, so concurrent batches cannot deadlock.
        List<Long> sorted = videoIds.stream().sorted().toList();
        String json = sorted.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
        Table<?> ids = DSL.jsonTable(DSL.val(json, SQLDataType.JSON), DSL.inline("$[*]"))
                          .column("video_id", SQLDataType.BIGINT).path("$")
                          .as("ids");
        Field<Long> videoId = ids.field("video_id", Long.class);
        Field<LocalDateTime> at = DSL.val(Times.toDb(now));
        Tasks done = TASKS.as("done");
        return ReadCommitted.transaction(db, retry, configuration -> {
            DSLContext tx = configuration.dsl();
            Map<Long, Scheduled> result = new HashMap<>();
            // Inserted rows come back whole; only videos that already had a task need reading.
            tx.insertInto(TASKS, TASKS.KIND, TASKS.VIDEO_ID, TASKS.STATE, TASKS.ATTEMPTS, TASKS.MAX_ATTEMPTS,
                          TASKS.NEXT_RUN_AT, TASKS.CLAIMABLE_AT, TASKS.ACTIVE_VIDEO_ID, TASKS.CREATED_AT,
                          TASKS.UPDATED_AT)
              .select(DSL.select(DSL.val(TaskStates.KIND_DELETE_VIDEO_FILE), videoId, DSL.val(TaskStates.PENDING),
                                 DSL.val(0), DSL.val(maxAttempts), at, at, videoId, at, at)
                         .from(ids)
                         .whereNotExists(DSL.selectOne().from(done).where(
                                 done.KIND.eq(TaskStates.KIND_DELETE_VIDEO_FILE).and(done.VIDEO_ID.eq(videoId))
                                          .and(done.STATE.eq(TaskStates.SUCCEEDED)))))
              .onDuplicateKeyIgnore()
              .returning()
              .fetch()
              .forEach(row -> result.put(row.getVideoId(), new Scheduled(TaskRecord.of(row), true)));
            takeBackWhereAnotherTaskFinished(tx, result);
            if (result.size() < sorted.size()) {
                List<Long> existing = sorted.stream().filter(id -> !result.containsKey(id)).toList();
                // The unfinished task where there is one (read last, so it wins), else the latest that succeeded.
                tx.selectFrom(TASKS)
                  .where(TASKS.KIND.eq(TaskStates.KIND_DELETE_VIDEO_FILE).and(TASKS.VIDEO_ID.in(existing))
                                   .and(TASKS.ACTIVE_VIDEO_ID.isNotNull().or(TASKS.STATE.eq(TaskStates.SUCCEEDED))))
                  .orderBy(DSL.field(TASKS.ACTIVE_VIDEO_ID.isNotNull()), TASKS.ID)
                  .fetch()
                  .forEach(row -> result.put(row.getVideoId(), new Scheduled(TaskRecord.of(row), false)));
            }
            if (result.size() != sorted.size()) {
                throw new IllegalStateException("Scheduled " + sorted.size() + " videos but read back " + result.size());
            }
            return result;
        });
    }

    /**
     * The check for a finished task and the insert are two steps. A video's running task that succeeds in
     * between (its commit frees the unique key the insert was waiting on) would leave a second task beside
     * it, and the file would be deleted twice. Read committed, this later statement sees that commit: such
     * a new row is deleted again and the finished task returned in its place.
     */
    private static void takeBackWhereAnotherTaskFinished(DSLContext tx, Map<Long, Scheduled> result) {
        List<Long> created = result.entrySet().stream().filter(entry -> entry.getValue().created())
                                   .map(Map.Entry::getKey).toList();
        if (created.isEmpty()) {
            return;
        }
        Map<Long, TaskRecord> finished = new HashMap<>();
        tx.selectFrom(TASKS)
          .where(TASKS.KIND.eq(TaskStates.KIND_DELETE_VIDEO_FILE).and(TASKS.VIDEO_ID.in(created))
                           .and(TASKS.STATE.eq(TaskStates.SUCCEEDED)))
          .orderBy(TASKS.ID)
          .fetch()
          .forEach(row -> finished.put(row.getVideoId(), TaskRecord.of(row)));
        if (finished.isEmpty()) {
            return;
        }
        tx.deleteFrom(TASKS)
          .where(TASKS.ID.in(finished.keySet().stream().map(videoId -> result.get(videoId).task().id()).toList()))
          .execute();
        finished.forEach((videoId, task) -> result.put(videoId, new Scheduled(task, false)));
    }

    public Optional<TaskRecord> find(long taskId) {
        return db.selectFrom(TASKS).where(TASKS.ID.eq(taskId)).fetchOptional(TaskRecord::of);
    }

    /** The runs of a task, oldest first. */
    public List<TaskRun> runs(long taskId) {
        return db.selectFrom(TASK_RUNS).where(TASK_RUNS.TASK_ID.eq(taskId)).orderBy(TASK_RUNS.ATTEMPT)
                 .fetch(TaskRun::of);
    }

    /** Why a retry was refused, or the task made PENDING again. */
    public sealed interface Retry {
        record Retried(TaskRecord task) implements Retry {}

        record NotFound() implements Retry {}

        record NotFailed(String state) implements Retry {}

        /**
         * The video got a newer deletion task since this one failed: {@code by} is unfinished, or it already
         * deleted the file, and retrying this one beside it would run the deletion twice.
         */
        record Superseded(long videoId, TaskRecord by) implements Retry {}
    }

    /**
     * Makes a FAILED task PENDING and due at {@code now} with {@code moreAttempts} more attempts.
     * The row is locked first, so a concurrent retry waits and then finds it PENDING.
     */
    public Retry retry(long taskId, int moreAttempts, Instant now) {
        LocalDateTime at = Times.toDb(now);
        return ReadCommitted.transaction(db, retry, configuration -> {
            DSLContext tx = configuration.dsl();
            var row = tx.selectFrom(TASKS).where(TASKS.ID.eq(taskId)).forUpdate().fetchOne();
            if (row == null) {
                return new Retry.NotFound();
            }
            if (!TaskStates.FAILED.equals(row.getState())) {
                return new Retry.NotFailed(row.getState());
            }
            Optional<TaskRecord> newer = tx.selectFrom(TASKS)
                                           .where(TASKS.KIND.eq(row.getKind()).and(TASKS.VIDEO_ID.eq(row.getVideoId()))
                                                            .and(TASKS.ID.gt(taskId))
                                                            .and(TASKS.ACTIVE_VIDEO_ID.isNotNull()
                                                                      .or(TASKS.STATE.eq(TaskStates.SUCCEEDED))))
                                           .orderBy(TASKS.ID.desc())
                                           .limit(1)
                                           .fetchOptional(TaskRecord::of);
            if (newer.isPresent()) {
                return new Retry.Superseded(row.getVideoId(), newer.get());
            }
            tx.update(TASKS)
              .set(TASKS.STATE, TaskStates.PENDING)
              .set(TASKS.MAX_ATTEMPTS, TASKS.ATTEMPTS.plus(moreAttempts))
              .set(TASKS.NEXT_RUN_AT, at)
              .set(TASKS.CLAIMABLE_AT, at)
              .set(TASKS.ACTIVE_VIDEO_ID, row.getVideoId())
              .setNull(TASKS.COMPLETED_AT)
              .set(TASKS.UPDATED_AT, at)
              .where(TASKS.ID.eq(taskId))
              .execute();
            return new Retry.Retried(TaskRecord.of(tx.selectFrom(TASKS).where(TASKS.ID.eq(taskId)).fetchSingle()));
        });
    }

    /** A page of tasks, newest first, in {@code state} (a stored value) or in any state if empty. */
    public Page.Result<TaskRecord> list(String state, Page page) {
        Condition inState = state.isEmpty() ? DSL.noCondition() : TASKS.STATE.eq(state);
        List<TaskRecord> rows = db.selectFrom(TASKS)
                                  .where(inState.and(TASKS.ID.lt(page.before())))
                                  .orderBy(TASKS.ID.desc())
                                  .limit(page.fetchSize())
                                  .fetch(TaskRecord::of);
        return page.result(rows, TaskRecord::id);
    }
}
