package io.mediamesh.gateway.video;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mediamesh.api.v1.Video;
import io.mediamesh.api.v1.VideoState;
import io.mediamesh.gateway.http.Views;

/** A video record as the REST API shows it; size and sha256 appear once a file is uploaded. */
public record VideoView(long id, String author, String name, String description, String createdAt, String state,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Long size,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String sha256) {
    public static VideoView of(Video video) {
        boolean ready = video.getState() == VideoState.VIDEO_STATE_READY;
        return new VideoView(video.getId(), video.getAuthor(), video.getName(), video.getDescription(),
                             Views.time(video.getCreatedAt()), Views.lowerEnum(video.getState(), "VIDEO_STATE_"),
                             ready ? video.getSize() : null, ready ? video.getSha256() : null);
    }
}
