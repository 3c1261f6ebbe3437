-- scheduler-svc's schema: a persistent task queue. Times are UTC.

CREATE TABLE tasks (
    id               BIGINT        NOT NULL AUTO_INCREMENT,
    kind             VARCHAR(32)   NOT NULL,
    video_id         BIGINT        NOT NULL,
    -- pending, running, succeeded, failed
    state            VARCHAR(16)   NOT NULL,
    -- Runs claimed so far; (lease_owner, attempts) names the current claim.
    attempts         INT           NOT NULL,
    max_attempts     INT           NOT NULL,
    next_run_at      DATETIME(6)   NOT NULL,
    lease_owner      VARCHAR(128)  NULL,
    lease_expires_at DATETIME(6)   NULL,
    -- When a dispatcher may claim the task: next_run_at while pending, lease_expires_at while
    -- running, NULL once finished. One indexed column keeps the claim a single range scan.
    claimable_at     DATETIME(6)   NULL,
    -- video_id while the task is unfinished, NULL after: with the unique index below, a video has
    -- at most one unfinished deletion, and a new one may follow a finished one.
    active_video_id  BIGINT        NULL,
    last_error       VARCHAR(1000) NULL,
    last_error_code  VARCHAR(64)   NULL,
    file_existed     BOOLEAN       NULL,
    created_at       DATETIME(6)   NOT NULL,
    updated_at       DATETIME(6)   NOT NULL,
    completed_at     DATETIME(6)   NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE UNIQUE INDEX tasks_active_video ON tasks (kind, active_video_id);
CREATE INDEX tasks_claimable_at ON tasks (claimable_at);
CREATE INDEX tasks_state ON tasks (state, id);

-- One row per claim of a task: which instance ran which attempt, when, and how it ended.
CREATE TABLE task_runs (
    task_id          BIGINT        NOT NULL,
    attempt          INT           NOT NULL,
    owner            VARCHAR(128)  NOT NULL,
    started_at       DATETIME(6)   NOT NULL,
    lease_expires_at DATETIME(6)   NOT NULL,
    -- NULL while running, or forever if the instance died.
    finished_at      DATETIME(6)   NULL,
    -- succeeded, failed, lease_lost; NULL like finished_at.
    outcome          VARCHAR(16)   NULL,
    error            VARCHAR(1000) NULL,
    PRIMARY KEY (task_id, attempt),
    CONSTRAINT task_runs_task FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
