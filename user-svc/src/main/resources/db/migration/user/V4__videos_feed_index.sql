-- The public feed reads ready, live videos newest first: with this index it walks just those rows
-- from a cursor down, however many pending or deleted records lie between them.
CREATE INDEX videos_feed ON videos (state, deleted_at, id);
