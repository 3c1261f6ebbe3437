-- Scheduling a deletion first looks for a task that already deleted the video's file: one index
-- range per video rather than a scan of every task.
CREATE INDEX tasks_kind_video ON tasks (kind, video_id);
