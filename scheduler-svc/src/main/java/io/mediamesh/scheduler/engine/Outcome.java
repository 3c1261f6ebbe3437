package io.mediamesh.scheduler.engine;

import io.mediamesh.api.v1.ErrorCode;
import java.time.Instant;

/**
 * How a run ended, waiting to be recorded.
 *
 * @param fileExisted for a success: whether media-svc had a file to delete
 * @param error for a failure: its code and message; null for a success
 * @param retryAt for a failure: when to run again, or null to give up (FAILED)
 */
record Outcome(ClaimedTask task, boolean fileExisted, ErrorCode code, String error, Instant retryAt) {
    static Outcome success(ClaimedTask task, boolean fileExisted) {
        return new Outcome(task, fileExisted, null, null, null);
    }

    /** The stored error is cut to fit its column. */
    static final int MAX_ERROR_LENGTH = 1000;

    static Outcome failure(ClaimedTask task, ErrorCode code, String error, Instant retryAt) {
        return new Outcome(task, false, code,
                           error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error, retryAt);
    }

    boolean succeeded() {
        return error == null;
    }
}
