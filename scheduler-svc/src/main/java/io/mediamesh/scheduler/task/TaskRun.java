package io.mediamesh.scheduler.task;

import io.mediamesh.common.time.Times;
import io.mediamesh.scheduler.db.tables.records.TaskRunsRecord;
import java.time.Instant;

/** One claim of a task by one instance (see the task_runs table); finishedAt and outcome may be null. */
public record TaskRun(int attempt, String owner, Instant startedAt, Instant leaseExpiresAt, Instant finishedAt,
                      String outcome, String error) {
    static TaskRun of(TaskRunsRecord r) {
        return new TaskRun(r.getAttempt(), r.getOwner(), Times.fromDb(r.getStartedAt()),
                           Times.fromDb(r.getLeaseExpiresAt()),
                           r.getFinishedAt() == null ? null : Times.fromDb(r.getFinishedAt()), r.getOutcome(),
                           r.getError());
    }

    io.mediamesh.api.v1.TaskRun toProto() {
        io.mediamesh.api.v1.TaskRun.Builder run = io.mediamesh.api.v1.TaskRun.newBuilder()
                .setAttempt(attempt)
                .setOwner(owner)
                .setStartedAt(Times.toProto(startedAt))
                .setLeaseExpiresAt(Times.toProto(leaseExpiresAt))
                .setOutcome(TaskStates.outcomeToProto(outcome));
        if (finishedAt != null) {
            run.setFinishedAt(Times.toProto(finishedAt));
        }
        if (error != null) {
            run.setError(error);
        }
        return run.build();
    }
}
