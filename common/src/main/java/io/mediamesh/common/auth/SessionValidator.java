package io.mediamesh.common.auth;

import io.mediamesh.api.v1.Principal;

/** Tells who a session belongs to. */
@FunctionalInterface
public interface SessionValidator {
    /**
     * Returns the session's principal, renewing its idle expiry.
     *
     * @throws io.mediamesh.common.error.MediameshException with UNAUTHENTICATED for an unknown,
     *         expired or logged-out session
     */
    Principal validate(String sessionId);
}
