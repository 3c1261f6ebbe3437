package io.mediamesh.media.upload;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetQuotaResponse;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.api.v1.Video;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.auth.SessionValidator;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.validation.Text;
import io.mediamesh.media.file.SizeLimit;
import io.mediamesh.media.file.StoredVideoFile;
import io.mediamesh.media.file.VideoRecords;
import io.mediamesh.media.quota.MediaQuotas;

/**
 * Who may upload a video's file, and how much of it: its owner or an admin, as user-svc knows them,
 * within the owner's stored-bytes quota. The caller's own
 * session is forwarded to user-svc to mark the video ready, so user-svc checks it again itself.
 * Blocking: call from a blocking executor.
 */
public final class UploadAuthority {
    private final SessionValidator sessions;
    private final VideoRecords videos;
    private final MediaQuotas quotas;

    public UploadAuthority(SessionValidator sessions, VideoRecords videos, MediaQuotas quotas) {
        this.sessions = sessions;
        this.videos = videos;
        this.quotas = quotas;
    }

    /** The principal of a session, or UNAUTHENTICATED when there is none or it is not valid. */
    public Principal authenticate(String sessionId) {
        if (sessionId == null || sessionId.isBlank()) {
            throw new MediameshException(ErrorCode.UNAUTHENTICATED, "A session is required.");
        }
        return sessions.validate(sessionId.trim());
    }

    /**
     * Checks, in this order: a valid session (UNAUTHENTICATED), a valid id (INVALID_ID), an existing
     * video (VIDEO_NOT_FOUND), the caller owning it or being an admin (PERMISSION_DENIED); then
     * learns how many bytes the owner's stored-bytes quota leaves for the video's file.
     */
    public Grant authorize(String sessionId, long videoId) {
        Principal caller = authenticate(sessionId);
        Text.checkId(videoId, "video id");
        Video video = videos.get(videoId);
        if (caller.getUserId() != video.getAuthorId() && !Callers.isAdmin(caller)) {
            throw new MediameshException(ErrorCode.PERMISSION_DENIED, "Only the owner or an admin may do this.");
        }
        GetQuotaResponse quota = quotas.of(sessionId.trim(), video.getAuthor());
        long limit = quota.getLimits().getStoredBytes();
        // The new file takes the place of the video's current one (0 bytes while it has none).
        long left = limit - quota.getUsage().getStoredBytes() + video.getSize();
        return new Grant(videoId, caller.getUserId(), sessionId.trim(), left, limit);
    }

    /** Permission to store one video's file, on behalf of one session. */
    public final class Grant {
        private final long videoId;
        private final long userId;
        private final String sessionId;
        private final long quotaLeft;
        private final long quota;

        private Grant(long videoId, long userId, String sessionId, long quotaLeft, long quota) {
            this.videoId = videoId;
            this.userId = userId;
            this.sessionId = sessionId;
            this.quotaLeft = quotaLeft;
            this.quota = quota;
        }

        public long videoId() {
            return videoId;
        }

        /** The user the session belongs to (the owner, or an admin uploading for them). */
        public long userId() {
            return userId;
        }

        /**
         * How many bytes the file may have: {@code maxSize}, and what the owner's quota left when
         * authorized (user-svc checks the quota again, atomically, when the file is stored).
         */
        public SizeLimit sizeLimit(long maxSize) {
            return new SizeLimit(maxSize, quotaLeft, quota);
        }

        /** Tells user-svc the checked file is stored; fails (and so refuses the file) if it objects. */
        public void markReady(StoredVideoFile file) {
            videos.markReady(sessionId, file);
        }
    }
}
