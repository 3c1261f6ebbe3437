package io.mediamesh.media.upload;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.auth.SessionValidator;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.validation.Text;
import io.mediamesh.media.file.StoredVideoFile;
import io.mediamesh.media.file.VideoRecords;

/**
 * Who may upload a video's file: its owner or an admin, as user-svc knows them. The caller's own
 * session is forwarded to user-svc to mark the video ready, so user-svc checks it again itself.
 * Blocking: call from a blocking executor.
 */
public final class UploadAuthority {
    private final SessionValidator sessions;
    private final VideoRecords videos;

    public UploadAuthority(SessionValidator sessions, VideoRecords videos) {
        this.sessions = sessions;
        this.videos = videos;
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
     * video (VIDEO_NOT_FOUND), the caller owning it or being an admin (PERMISSION_DENIED).
     */
    public Grant authorize(String sessionId, long videoId) {
        Principal caller = authenticate(sessionId);
        Text.checkId(videoId, "video id");
        long author = videos.get(videoId).getAuthorId();
        if (caller.getUserId() != author && !Callers.isAdmin(caller)) {
            throw new MediameshException(ErrorCode.PERMISSION_DENIED, "Only the owner or an admin may do this.");
        }
        return new Grant(videoId, caller.getUserId(), sessionId.trim());
    }

    /** Permission to store one video's file, on behalf of one session. */
    public final class Grant {
        private final long videoId;
        private final long userId;
        private final String sessionId;

        private Grant(long videoId, long userId, String sessionId) {
            this.videoId = videoId;
            this.userId = userId;
            this.sessionId = sessionId;
        }

        public long videoId() {
            return videoId;
        }

        /** The user the session belongs to (the owner, or an admin uploading for them). */
        public long userId() {
            return userId;
        }

        /** Tells user-svc the checked file is stored; fails (and so refuses the file) if it objects. */
        public void markReady(StoredVideoFile file) {
            videos.markReady(sessionId, file);
        }
    }
}
