-- Videos whose files must be deleted, written in the same transaction that deletes the record
-- (or its user), and handed to scheduler-svc by the relay. A row leaves only once scheduler-svc
-- has the task, so no deletion is lost while scheduler-svc is down. No foreign key: the video
-- row may be gone with its user.
CREATE TABLE file_deletion_outbox (
    video_id   BIGINT       NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    attempts   INT          NOT NULL DEFAULT 0,
    last_error VARCHAR(500) NULL,
    PRIMARY KEY (video_id)
) ENGINE = InnoDB;
