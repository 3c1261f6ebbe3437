-- Config applies (ApplyConfig), kept for audit from start to end, and their per-server events.

CREATE TABLE config_applies (
    id                 BIGINT        NOT NULL AUTO_INCREMENT,
    kind               VARCHAR(16)   NOT NULL,
    -- The kind while the apply runs, NULL once it ended: the unique index below lets only one
    -- apply per kind run at a time, across config-svc replicas.
    running_kind       VARCHAR(16)   NULL,
    -- The roles asked for (origin,relay,edge), comma-separated.
    roles              VARCHAR(64)   NOT NULL,
    -- The revision asked for; 0 = latest.
    requested_revision BIGINT        NOT NULL,
    -- all_or_nothing / best_effort; automatic / manual
    policy             VARCHAR(32)   NOT NULL,
    promotion          VARCHAR(32)   NOT NULL,
    author             VARCHAR(64)   NOT NULL,
    message            VARCHAR(1000) NOT NULL,
    -- The planned stages (ApplyStarted as protobuf JSON, proto field names).
    plan               MEDIUMTEXT    NOT NULL,
    -- How it ended (ApplySummary as protobuf JSON, with every server's result); NULL while running.
    summary            MEDIUMTEXT    NULL,
    -- succeeded, partial, rolled_back, cancelled, failed; NULL while running.
    outcome            VARCHAR(32)   NULL,
    cancel_reason      VARCHAR(1000) NOT NULL,
    started_at         DATETIME(6)   NOT NULL,
    finished_at        DATETIME(6)   NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE UNIQUE INDEX config_applies_running_kind ON config_applies (running_kind);
CREATE INDEX config_applies_kind ON config_applies (kind, id);

-- Every event of an apply, in sequence order, as streamed.
CREATE TABLE config_apply_events (
    apply_id    BIGINT       NOT NULL,
    sequence    BIGINT       NOT NULL,
    server_id   BIGINT       NOT NULL,
    server_name VARCHAR(64)  NOT NULL,
    role        VARCHAR(16)  NOT NULL,
    -- rendered, pushed, validated, activated, failed, rolled_back, skipped, rollback_failed
    step        VARCHAR(32)  NOT NULL,
    -- An ErrorCode name; empty when none.
    error_code  VARCHAR(64)  NOT NULL,
    message     TEXT         NOT NULL,
    tool_output MEDIUMTEXT   NOT NULL,
    version     VARCHAR(128) NOT NULL,
    at          DATETIME(6)  NOT NULL,
    PRIMARY KEY (apply_id, sequence),
    CONSTRAINT config_apply_events_apply FOREIGN KEY (apply_id) REFERENCES config_applies (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE INDEX config_apply_events_server ON config_apply_events (server_id, apply_id);
