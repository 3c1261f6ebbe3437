package io.mediamesh.media.file;

import com.linecorp.armeria.client.Clients;
import com.linecorp.armeria.common.util.SafeCloseable;
import io.mediamesh.api.v1.CreateVideoRequest;
import io.mediamesh.api.v1.GetVideoRequest;
import io.mediamesh.api.v1.MarkVideoReadyRequest;
import io.mediamesh.api.v1.Video;
import io.mediamesh.api.v1.VideoServiceGrpc.VideoServiceBlockingStub;
import io.mediamesh.common.auth.Callers;

/**
 * The video records user-svc keeps, as media-svc needs them: whether a video exists (a deleted one
 * does not, from the moment its deletion was accepted) and who owns it; and telling user-svc that a
 * checked file is stored. media-svc also makes videos of its own accord (a room's recording, for
 * the room's owner), calling with no session as itself (user-svc lets media-svc's identity do that).
 * Blocking: call from a blocking executor.
 */
public final class VideoRecords {
    private final VideoServiceBlockingStub videos;

    public VideoRecords(VideoServiceBlockingStub videos) {
        this.videos = videos;
    }

    /** The video; fails with VIDEO_NOT_FOUND (also once deleted), INVALID_ID or SERVICE_UNAVAILABLE. */
    public Video get(long videoId) {
        return videos.getVideo(GetVideoRequest.newBuilder().setVideoId(videoId).build()).getVideo();
    }

    /** Marks the video READY with the stored file, on behalf of {@code sessionId}, whom user-svc checks again. */
    public void markReady(String sessionId, StoredVideoFile file) {
        try (SafeCloseable ignored = Clients.withHeader(Callers.SESSION_HEADER, sessionId)) {
            videos.markVideoReady(MarkVideoReadyRequest.newBuilder().setVideoId(file.videoId()).setSize(file.size())
                                                       .setSha256(file.sha256()).build());
        }
    }

    /** Creates a PENDING video of {@code ownerName} for media-svc itself; QUOTA_EXCEEDED at their limit. */
    public Video createForOwner(String ownerName, String name, String description) {
        return videos.createVideo(CreateVideoRequest.newBuilder().setUserName(ownerName).setName(name)
                                                       .setDescription(description).build()).getVideo();
    }

    /** Marks the video READY with a file media-svc stored itself; QUOTA_EXCEEDED when it does not fit. */
    public void markReadyAsService(StoredVideoFile file) {
        videos.markVideoReady(MarkVideoReadyRequest.newBuilder().setVideoId(file.videoId()).setSize(file.size())
                                                      .setSha256(file.sha256()).build());
    }
}
