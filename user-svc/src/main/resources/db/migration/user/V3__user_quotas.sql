-- Limits an admin set for one user; a NULL column (or no row) is the configured default. Gone
-- with the user.
CREATE TABLE user_quotas (
    user_id      BIGINT NOT NULL,
    videos       BIGINT NULL,
    stored_bytes BIGINT NULL,
    rooms        BIGINT NULL,
    streams      BIGINT NULL,
    PRIMARY KEY (user_id),
    CONSTRAINT user_quotas_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB;
