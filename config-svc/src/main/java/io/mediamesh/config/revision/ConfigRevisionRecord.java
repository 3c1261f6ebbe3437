package io.mediamesh.config.revision;

import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ConfigRevision;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.common.time.Times;
import java.time.Instant;

/**
 * One immutable revision of a (kind, role) document.
 *
 * @param document the default instance when the revision was listed without documents
 * @param revertedFrom the revision a revert copied; 0 otherwise
 */
public record ConfigRevisionRecord(ConfigKind kind, MediaServerRole role, long revision, ConfigDocument document,
                                   String author, String message, long revertedFrom, Instant createdAt) {
    public ConfigRevision toProto(boolean withDocument) {
        ConfigRevision.Builder proto = ConfigRevision.newBuilder()
                                                     .setKind(kind)
                                                     .setRole(role)
                                                     .setRevision(revision)
                                                     .setAuthor(author)
                                                     .setMessage(message)
                                                     .setRevertedFrom(revertedFrom)
                                                     .setCreatedAt(Times.toProto(createdAt));
        if (withDocument) {
            proto.setDocument(document);
        }
        return proto.build();
    }
}
