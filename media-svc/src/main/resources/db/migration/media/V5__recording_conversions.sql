-- When the current recording of a video room began (media-svc's clock, taken before Janus was
-- asked); NULL while it does not record. Janus names each recording file with the microsecond it
-- started, so a recording's files are those started between this and the moment it ended.
ALTER TABLE rooms ADD COLUMN recording_since DATETIME(6) NULL;

-- Rooms recording before this column existed: from their creation, which holds every file.
UPDATE rooms SET recording_since = created_at WHERE recording;

-- A recording that ended (turned off, or its room destroyed while recording), to be turned into
-- videos of the room's owner by the conversion worker. Kept after the room is gone: the files
-- stay on the server, and the row is what says what became of them.
CREATE TABLE recording_conversions (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    room_id BIGINT NOT NULL,
    server_id BIGINT NOT NULL,
    owner_id BIGINT NOT NULL,
    owner_name VARCHAR(64) NOT NULL,
    room_description VARCHAR(800) NOT NULL,
    -- The recording's window: files Janus started within it belong to it.
    started_at DATETIME(6) NOT NULL,
    ended_at DATETIME(6) NOT NULL,
    -- 'pending', 'running', 'done' or 'failed'.
    state VARCHAR(8) NOT NULL,
    attempts INT NOT NULL,
    -- A pending job is taken once this has passed (backoff after a failure that may pass).
    next_attempt_at DATETIME(6) NOT NULL,
    -- A running job whose lease passed was cut off (its process died): it is taken again.
    lease_until DATETIME(6) NULL,
    -- Why the last attempt failed; empty if none did.
    error VARCHAR(2000) NOT NULL,
    created_at DATETIME(6) NOT NULL
);

CREATE INDEX recording_conversions_due ON recording_conversions (state, next_attempt_at);

CREATE INDEX recording_conversions_room ON recording_conversions (room_id, started_at);

-- One publisher's files of a recording: the owner's video they become, made (PENDING) before
-- the conversion runs so that a retry fills the same video instead of making another.
CREATE TABLE recording_conversion_videos (
    conversion_id BIGINT NOT NULL,
    participant_id BIGINT NOT NULL,
    -- 0 until the video record exists.
    video_id BIGINT NOT NULL,
    -- 'pending', 'done' or 'failed'.
    state VARCHAR(8) NOT NULL,
    error VARCHAR(2000) NOT NULL,
    PRIMARY KEY (conversion_id, participant_id),
    CONSTRAINT recording_conversion_videos_conversion FOREIGN KEY (conversion_id)
        REFERENCES recording_conversions (id) ON DELETE CASCADE
);
