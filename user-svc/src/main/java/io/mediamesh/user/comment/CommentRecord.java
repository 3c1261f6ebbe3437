package io.mediamesh.user.comment;

import io.mediamesh.api.v1.Comment;
import io.mediamesh.common.time.Times;
import java.time.Instant;

/** A comment with its author's name. */
public record CommentRecord(long id, long videoId, long authorId, String author, String content, Instant createdAt) {
    public Comment toProto() {
        return Comment.newBuilder()
                      .setId(id)
                      .setVideoId(videoId)
                      .setAuthorId(authorId)
                      .setAuthor(author)
                      .setContent(content)
                      .setCreatedAt(Times.toProto(createdAt))
                      .build();
    }
}
