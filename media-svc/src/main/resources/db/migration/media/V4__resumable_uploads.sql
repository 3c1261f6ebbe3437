-- Resumable uploads (tus 1.0) in progress: one row per upload, from creation until its last byte
-- arrived and checked out, it was abandoned (DELETE), or it expired. The bytes received so far are
-- the file .resumable/<id> in the video folder; its size is the upload's offset.
CREATE TABLE resumable_uploads (
    -- 128 random bits in hex: the last part of the upload's URL.
    id CHAR(32) NOT NULL PRIMARY KEY,
    video_id BIGINT NOT NULL,
    -- The user who created it; only they (or an admin) may continue, read or abandon it.
    owner_id BIGINT NOT NULL,
    -- Upload-Length: the whole file's size, declared at creation.
    length BIGINT NOT NULL,
    -- Upload-Metadata as the client sent it, echoed by HEAD.
    metadata VARCHAR(2048) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    -- Pushed back by every PATCH; past it the upload is gone (404) and its file is removed.
    expires_at DATETIME(6) NOT NULL
);

CREATE INDEX resumable_uploads_expiry ON resumable_uploads (expires_at);
