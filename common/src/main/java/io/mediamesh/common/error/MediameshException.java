package io.mediamesh.common.error;

import io.mediamesh.api.v1.ErrorCode;
import java.time.Duration;
import java.util.Map;

/**
 * A failure with a catalog code. Services throw it; the gRPC layer turns it into a status with
 * an ErrorInfo (carrying {@link #metadata()}), and the gateway turns it into the REST envelope.
 */
public final class MediameshException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final Map<String, String> metadata;

    public MediameshException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public MediameshException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.metadata = Map.of();
    }

    /** A failure with facts a caller needs to answer it, sent as ErrorInfo.metadata. */
    public MediameshException(ErrorCode code, String message, Map<String, String> metadata) {
        super(message);
        this.code = code;
        this.metadata = Map.copyOf(metadata);
    }

    /** A failure the caller may retry after {@code retryAfter} (Retry-After over REST). */
    public static MediameshException retryLater(ErrorCode code, String message, Duration retryAfter) {
        return new MediameshException(code, message, ErrorCatalog.retryAfterMetadata(retryAfter));
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, String> metadata() {
        return metadata;
    }
}
