package io.mediamesh.scheduler.task;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.Task;
import io.mediamesh.api.v1.TaskKind;
import io.mediamesh.common.time.Times;
import io.mediamesh.scheduler.db.tables.records.TasksRecord;
import java.time.Instant;
import java.time.LocalDateTime;

/** A stored task (see the tasks table); nullable fields are unset in the proto. */
public record TaskRecord(long id, long videoId, String state, int attempts, int maxAttempts, Instant nextRunAt,
                         String leaseOwner, Instant leaseExpiresAt, String lastError, String lastErrorCode,
                         Boolean fileExisted, Instant createdAt, Instant updatedAt, Instant completedAt) {
    static TaskRecord of(TasksRecord r) {
        return new TaskRecord(r.getId(), r.getVideoId(), r.getState(), r.getAttempts(), r.getMaxAttempts(),
                              instant(r.getNextRunAt()), r.getLeaseOwner(), instant(r.getLeaseExpiresAt()),
                              r.getLastError(), r.getLastErrorCode(), r.getFileExisted(), instant(r.getCreatedAt()),
                              instant(r.getUpdatedAt()), instant(r.getCompletedAt()));
    }

    public Task toProto() {
        Task.Builder task = Task.newBuilder()
                                .setId(id)
                                .setKind(TaskKind.TASK_KIND_DELETE_VIDEO_FILE)
                                .setVideoId(videoId)
                                .setState(TaskStates.toProto(state))
                                .setAttempts(attempts)
                                .setMaxAttempts(maxAttempts)
                                .setNextRunAt(Times.toProto(nextRunAt))
                                .setCreatedAt(Times.toProto(createdAt))
                                .setUpdatedAt(Times.toProto(updatedAt))
                                .setFileExisted(Boolean.TRUE.equals(fileExisted));
        if (leaseOwner != null) {
            task.setLeaseOwner(leaseOwner);
        }
        if (leaseExpiresAt != null) {
            task.setLeaseExpiresAt(Times.toProto(leaseExpiresAt));
        }
        if (lastError != null) {
            task.setLastError(lastError);
        }
        if (lastErrorCode != null) {
            task.setLastErrorCode(errorCode(lastErrorCode));
        }
        if (completedAt != null) {
            task.setCompletedAt(Times.toProto(completedAt));
        }
        return task.build();
    }

    private static ErrorCode errorCode(String name) {
        try {
            return ErrorCode.valueOf(name);
        } catch (IllegalArgumentException e) {
            // A code written by a newer build.
            return ErrorCode.ERROR_CODE_UNSPECIFIED;
        }
    }

    private static Instant instant(LocalDateTime dateTime) {
        return dateTime == null ? null : Times.fromDb(dateTime);
    }
}
