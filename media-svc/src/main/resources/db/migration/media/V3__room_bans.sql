-- Users kicked from a room: kept out of it (no new join token) until its owner or an admin lifts
-- the ban, or the room is destroyed.
CREATE TABLE room_bans (
    room_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    user_name VARCHAR(64) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (room_id, user_id),
    CONSTRAINT room_bans_room FOREIGN KEY (room_id) REFERENCES rooms (id) ON DELETE CASCADE
);

-- Janus's join events name the token used: it leads to the participant id and display name the
-- token was issued for.
CREATE UNIQUE INDEX room_tokens_token ON room_tokens (room_id, token);
