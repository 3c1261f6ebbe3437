package io.mediamesh.scheduler.task;

import io.mediamesh.api.v1.TaskRunOutcome;
import io.mediamesh.api.v1.TaskState;
import java.util.Map;

/** The values stored in the state, kind and outcome columns, and their proto enums. */
public final class TaskStates {
    public static final String PENDING = "pending";
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    public static final String KIND_DELETE_VIDEO_FILE = "delete_video_file";

    public static final String RUN_SUCCEEDED = "succeeded";
    public static final String RUN_FAILED = "failed";
    public static final String RUN_LEASE_LOST = "lease_lost";

    private static final Map<String, TaskState> STATES = Map.of(PENDING, TaskState.TASK_STATE_PENDING,
                                                                RUNNING, TaskState.TASK_STATE_RUNNING,
                                                                SUCCEEDED, TaskState.TASK_STATE_SUCCEEDED,
                                                                FAILED, TaskState.TASK_STATE_FAILED);
    private static final Map<String, TaskRunOutcome> OUTCOMES = Map.of(
            RUN_SUCCEEDED, TaskRunOutcome.TASK_RUN_OUTCOME_SUCCEEDED,
            RUN_FAILED, TaskRunOutcome.TASK_RUN_OUTCOME_FAILED,
            RUN_LEASE_LOST, TaskRunOutcome.TASK_RUN_OUTCOME_LEASE_LOST);

    private TaskStates() {}

    public static TaskState toProto(String state) {
        return STATES.getOrDefault(state, TaskState.TASK_STATE_UNSPECIFIED);
    }

    /** The stored value of {@code state}; empty for UNSPECIFIED or a value this build does not know. */
    public static String toDb(TaskState state) {
        return STATES.entrySet().stream().filter(e -> e.getValue() == state).map(Map.Entry::getKey)
                     .findFirst().orElse("");
    }

    public static TaskRunOutcome outcomeToProto(String outcome) {
        return outcome == null ? TaskRunOutcome.TASK_RUN_OUTCOME_UNSPECIFIED
                               : OUTCOMES.getOrDefault(outcome, TaskRunOutcome.TASK_RUN_OUTCOME_UNSPECIFIED);
    }
}
