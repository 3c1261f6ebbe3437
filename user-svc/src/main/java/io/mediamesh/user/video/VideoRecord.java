package io.mediamesh.user.video;

import io.mediamesh.api.v1.Video;
import io.mediamesh.api.v1.VideoState;
import io.mediamesh.common.time.Times;
import java.time.Instant;

/** A live (not deleted) video record with its author's name. */
public record VideoRecord(long id, long authorId, String author, String name, String description, boolean ready,
                          long size, String sha256, Instant createdAt) {
    static final String PENDING = "pending";
    static final String READY = "ready";

    public Video toProto() {
        return Video.newBuilder()
                    .setId(id)
                    .setAuthorId(authorId)
                    .setAuthor(author)
                    .setName(name)
                    .setDescription(description)
                    .setState(ready ? VideoState.VIDEO_STATE_READY : VideoState.VIDEO_STATE_PENDING)
                    .setSize(size)
                    .setSha256(sha256)
                    .setCreatedAt(Times.toProto(createdAt))
                    .build();
    }
}
