package io.mediamesh.gateway.testing;

import io.mediamesh.common.db.Database;

/**
 * A scheduler task as the engine leaves it after its last failed attempt, for tests whose engine is
 * off (tasks there stay as scheduled): the console's and the API's retry need a FAILED one.
 */
public final class FailedTasks {
    private FailedTasks() {}

    /** Marks task {@code taskId} of scheduler-svc's {@code database} FAILED with {@code error}. */
    public static void fail(Database database, long taskId, String error) {
        int changed = database.dsl().execute(
                "UPDATE tasks SET state = 'failed', attempts = max_attempts, last_error = ?," +
                " last_error_code = 'SERVICE_UNAVAILABLE', completed_at = UTC_TIMESTAMP(6)," +
                " claimable_at = NULL, active_video_id = NULL WHERE id = ?", error, taskId);
        if (changed != 1) {
            throw new IllegalStateException("No task " + taskId);
        }
    }
}
