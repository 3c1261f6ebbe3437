-- user-svc's schema. Times are UTC. The schema's default collation is case-insensitive, so user
-- names are unique regardless of case.

CREATE TABLE users (
    id            BIGINT       NOT NULL AUTO_INCREMENT,
    user_name     VARCHAR(64)  NOT NULL,
    -- PHC string: $argon2id$v=19$m=...,t=...,p=...$salt$hash
    password_hash VARCHAR(255) NOT NULL,
    role          VARCHAR(16)  NOT NULL,
    created_at    DATETIME(6)  NOT NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE UNIQUE INDEX users_user_name ON users (user_name);

-- Only the SHA-256 of a session id is stored, so a dump of this table yields no usable session.
CREATE TABLE sessions (
    token_hash BINARY(32)  NOT NULL,
    user_id    BIGINT      NOT NULL,
    created_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    PRIMARY KEY (token_hash),
    CONSTRAINT sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB;

CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE videos (
    id          BIGINT        NOT NULL AUTO_INCREMENT,
    author_id   BIGINT        NOT NULL,
    name        VARCHAR(64)   NOT NULL,
    description VARCHAR(1000) NOT NULL,
    state       VARCHAR(16)   NOT NULL,
    file_size   BIGINT        NOT NULL DEFAULT 0,
    sha256      CHAR(64)      NULL,
    created_at  DATETIME(6)   NOT NULL,
    -- Set by a deletion: the record disappears from reads and its file is left for the scheduler.
    deleted_at  DATETIME(6)   NULL,
    PRIMARY KEY (id),
    CONSTRAINT videos_author FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE INDEX videos_author_id ON videos (author_id, id);

CREATE TABLE comments (
    id         BIGINT        NOT NULL AUTO_INCREMENT,
    video_id   BIGINT        NOT NULL,
    author_id  BIGINT        NOT NULL,
    content    VARCHAR(2000) NOT NULL,
    created_at DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT comments_video FOREIGN KEY (video_id) REFERENCES videos (id) ON DELETE CASCADE,
    CONSTRAINT comments_author FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE INDEX comments_video_id ON comments (video_id, id);
