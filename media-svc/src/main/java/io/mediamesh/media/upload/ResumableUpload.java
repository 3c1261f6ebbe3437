package io.mediamesh.media.upload;

import java.time.Instant;

/**
 * A resumable upload as recorded: whose, for which video, how long the whole file is.
 *
 * @param metadata Upload-Metadata as the client sent it
 */
record ResumableUpload(String id, long videoId, long ownerId, long length, String metadata, Instant createdAt,
                       Instant expiresAt) {}
