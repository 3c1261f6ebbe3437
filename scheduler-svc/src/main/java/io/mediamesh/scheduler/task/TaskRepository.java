package io.mediamesh.scheduler.task;

import static io.mediamesh.scheduler.db.Tables.TASKS;
import static io.mediamesh.scheduler.db.Tables.TASK_RUNS;

import io.mediamesh.common.paging.Page;
import io.mediamesh.common.time.Times;
import io.mediamesh.scheduler.db.tables.records.TasksRecord;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.InsertValuesStep10;
import org.jooq.impl.DSL;

/** Scheduling and reading tasks. Running them is the engine's (see io.mediamesh.scheduler.engine). */
public final class TaskRepository {
    private final DSLContext db;

    public TaskRepository(DSLContext db) {
        this.db = db;
    }

    /** A task and whether this call created it (false: an unfinished one existed). */
    public record Scheduled(TaskRecord task, boolean created) {}

    /**
     * Schedules the deletion of each video's file, due now, in one transaction. A video that already has an
     * unfinished task keeps it: the unique key on (kind, active_video_id) turns the insert into a no-op and
     * holds a lock on the existing row, so it cannot finish before it is read back here.
     *
     * @param videoIds distinct, positive
     * @return one entry per id, keyed by video id
     */
    public Map<Long, Scheduled> scheduleDeletions(List<Long> videoIds, int maxAttempts, Instant now) {
        // Sorted inserts take their locks in one order, so concurrent batches cannot deadlock.
        List<Long> sorted = videoIds.stream().sorted().toList();
        LocalDateTime at = Times.toDb(now);
        return db.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            InsertValuesStep10<TasksRecord, String, Long, String, Integer, Integer, LocalDateTime, LocalDateTime,
                    Long, LocalDateTime, LocalDateTime> insert =
                    tx.insertInto(TASKS, TASKS.KIND, TASKS.VIDEO_ID, TASKS.STATE, TASKS.ATTEMPTS, TASKS.MAX_ATTEMPTS,
                                  TASKS.NEXT_RUN_AT, TASKS.CLAIMABLE_AT, TASKS.ACTIVE_VIDEO_ID, TASKS.CREATED_AT,
                                  TASKS.UPDATED_AT);
            for (long videoId : sorted) {
                insert = insert.values(TaskStates.KIND_DELETE_VIDEO_FILE, videoId, TaskStates.PENDING, 0, maxAttempts,
                                       at, at, videoId, at, at);
            }
            Set<Long> created = new HashSet<>(insert.onDuplicateKeyIgnore().returningResult(TASKS.ID).fetch(TASKS.ID));
            Map<Long, Scheduled> result = new HashMap<>();
            for (TasksRecord row : tx.selectFrom(TASKS)
                                     .where(TASKS.KIND.eq(TaskStates.KIND_DELETE_VIDEO_FILE)
                                                      .and(TASKS.ACTIVE_VIDEO_ID.in(sorted)))
                                     .fetch()) {
                result.put(row.getVideoId(), new Scheduled(TaskRecord.of(row), created.contains(row.getId())));
            }
            if (result.size() != sorted.size()) {
                throw new IllegalStateException("Scheduled " + sorted.size() + " videos but read back " + result.size());
            }
            return result;
        });
    }

    public Optional<TaskRecord> find(long taskId) {
        return db.selectFrom(TASKS).where(TASKS.ID.eq(taskId)).fetchOptional(TaskRecord::of);
    }

    /** The runs of a task, oldest first. */
    public List<TaskRun> runs(long taskId) {
        return db.selectFrom(TASK_RUNS).where(TASK_RUNS.TASK_ID.eq(taskId)).orderBy(TASK_RUNS.ATTEMPT)
                 .fetch(TaskRun::of);
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
