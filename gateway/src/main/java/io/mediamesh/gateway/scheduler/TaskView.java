package io.mediamesh.gateway.scheduler;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.Task;
import io.mediamesh.api.v1.TaskState;
import io.mediamesh.gateway.http.Views;

/**
 * A scheduler task as the REST API shows it. Lease fields appear while it runs, error fields once a
 * run failed, completed_at and (on success) file_existed once it is finished.
 */
public record TaskView(long id, String kind, long videoId, String state, int attempts, int maxAttempts,
                       String nextRunAt,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String leaseOwner,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String leaseExpiresAt,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String lastError,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String lastErrorCode,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Boolean fileExisted,
                       String createdAt, String updatedAt,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String completedAt) {
    public static TaskView of(Task task) {
        return new TaskView(task.getId(), Views.lowerEnum(task.getKind(), "TASK_KIND_"), task.getVideoId(),
                            Views.lowerEnum(task.getState(), "TASK_STATE_"), task.getAttempts(),
                            task.getMaxAttempts(), Views.time(task.getNextRunAt()),
                            task.getLeaseOwner().isEmpty() ? null : task.getLeaseOwner(),
                            task.hasLeaseExpiresAt() ? Views.time(task.getLeaseExpiresAt()) : null,
                            task.getLastError().isEmpty() ? null : task.getLastError(),
                            task.getLastErrorCode() == ErrorCode.ERROR_CODE_UNSPECIFIED
                                    ? null : task.getLastErrorCode().name(),
                            task.getState() == TaskState.TASK_STATE_SUCCEEDED ? task.getFileExisted() : null,
                            Views.time(task.getCreatedAt()), Views.time(task.getUpdatedAt()),
                            task.hasCompletedAt() ? Views.time(task.getCompletedAt()) : null);
    }
}
