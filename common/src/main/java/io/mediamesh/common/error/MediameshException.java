package io.mediamesh.common.error;

import io.mediamesh.api.v1.ErrorCode;

/**
 * A failure with a catalog code. Services throw it; the gRPC layer turns it into a status with
 * an ErrorInfo, and the gateway turns it into the REST envelope.
 */
public final class MediameshException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public MediameshException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public MediameshException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
