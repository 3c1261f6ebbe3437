-- The display name the sender joined with, kept with each recorded message: the transcript names
-- people as the room saw them, also after their token is gone (a kick, a ban, the room's end).
ALTER TABLE text_room_messages ADD COLUMN sender_display VARCHAR(256) NOT NULL DEFAULT '';
