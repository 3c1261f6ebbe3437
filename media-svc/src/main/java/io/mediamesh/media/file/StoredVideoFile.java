package io.mediamesh.media.file;

import io.mediamesh.api.v1.VideoFileStat;
import io.mediamesh.common.time.Times;
import java.time.Instant;

/**
 * A stored file as of one look at it. Stored files are immutable (a new upload is a new file), so
 * the hash stays true for as long as the file is open.
 */
public record StoredVideoFile(long videoId, long size, Instant modifiedAt, String sha256, Container container) {
    /** Strong ETag from the content hash: it changes exactly when the content does. */
    public String etag() {
        return '"' + sha256 + '"';
    }

    public VideoFileStat toProto() {
        return VideoFileStat.newBuilder()
                            .setVideoId(videoId)
                            .setSize(size)
                            .setModifiedAt(Times.toProto(modifiedAt))
                            .setEtag(etag())
                            .setContentType(container.contentType())
                            .setSha256(sha256)
                            .build();
    }
}
