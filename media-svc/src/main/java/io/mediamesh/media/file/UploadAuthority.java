package io.mediamesh.media.file;

import com.linecorp.armeria.client.Clients;
import com.linecorp.armeria.common.util.SafeCloseable;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.mediamesh.api.v1.GetVideoRequest;
import io.mediamesh.api.v1.MarkVideoReadyRequest;
import io.mediamesh.api.v1.Video;
import io.mediamesh.api.v1.VideoServiceGrpc.VideoServiceBlockingStub;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.validation.Text;

/**
 * Who may upload a video's file: its owner or an admin, as user-svc knows them. The caller's own
 * session is forwarded to user-svc to mark the video ready, so user-svc checks it again itself.
 */
final class UploadAuthority {
    private final Callers callers;
    private final VideoServiceBlockingStub videos;

    UploadAuthority(Callers callers, VideoServiceBlockingStub videos) {
        this.callers = callers;
        this.videos = videos;
    }

    /**
     * Checks, in this order: a valid session (UNAUTHENTICATED), a valid id (INVALID_ID), an existing
     * video (VIDEO_NOT_FOUND), the caller owning it or being an admin (PERMISSION_DENIED).
     */
    Grant authorize(ServiceRequestContext ctx, long videoId) {
        try (SafeCloseable ignored = ctx.push()) {
            callers.require();
            Text.checkId(videoId, "video id");
            Video video = videos.getVideo(GetVideoRequest.newBuilder().setVideoId(videoId).build()).getVideo();
            callers.requireSelfOrAdmin(video.getAuthorId());
            return new Grant(videoId, ctx.request().headers().get(Callers.SESSION_HEADER).trim());
        }
    }

    /** Permission to store one video's file, on behalf of one session. */
    final class Grant {
        private final long videoId;
        private final String sessionId;

        private Grant(long videoId, String sessionId) {
            this.videoId = videoId;
            this.sessionId = sessionId;
        }

        long videoId() {
            return videoId;
        }

        /** Tells user-svc the checked file is stored; fails (and so refuses the file) if it objects. */
        void markReady(StoredVideoFile file) {
            try (SafeCloseable ignored = Clients.withHeader(Callers.SESSION_HEADER, sessionId)) {
                videos.markVideoReady(MarkVideoReadyRequest.newBuilder().setVideoId(videoId).setSize(file.size())
                                                           .setSha256(file.sha256()).build());
            }
        }
    }
}
