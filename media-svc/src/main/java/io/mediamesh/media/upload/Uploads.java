package io.mediamesh.media.upload;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.error.MediameshException;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/** What the two kinds of upload share. */
final class Uploads {
    private Uploads() {}

    /** The key of a user's share of the upload pool. */
    static String client(long userId) {
        return "user:" + userId;
    }

    static MediameshException empty() {
        return new MediameshException(ErrorCode.INVALID_REQUEST, "The upload is empty.");
    }

    /** The catalog code a failure carries, thrown here or answered by another service. */
    static Optional<ErrorCode> codeOf(Throwable thrown) {
        Throwable cause = unwrap(thrown);
        return cause instanceof MediameshException e ? Optional.of(e.code()) : ErrorCatalog.reasonOf(cause);
    }

    static Throwable unwrap(Throwable thrown) {
        return thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
    }
}
