package io.mediamesh.common.auth;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.api.v1.Role;
import io.mediamesh.common.error.MediameshException;

/**
 * Who is calling the current gRPC method. The only source of identity is the session id in the
 * {@value #SESSION_HEADER} metadata header, validated on every use; nothing else a client sends
 * is trusted.
 */
public final class Callers {
    public static final String SESSION_HEADER = "x-session-id";

    private final SessionValidator validator;

    public Callers(SessionValidator validator) {
        this.validator = validator;
    }

    /** The caller of the current request, or UNAUTHENTICATED. */
    public Principal require() {
        String sessionId = ServiceRequestContext.current().request().headers().get(SESSION_HEADER);
        if (sessionId == null || sessionId.isBlank()) {
            throw new MediameshException(ErrorCode.UNAUTHENTICATED, "A session is required.");
        }
        return validator.validate(sessionId.trim());
    }

    /** The caller, who must be an admin. */
    public Principal requireAdmin() {
        Principal caller = require();
        if (!isAdmin(caller)) {
            throw new MediameshException(ErrorCode.PERMISSION_DENIED, "Only an admin may do this.");
        }
        return caller;
    }

    /** The caller, who must be the user {@code userId} or an admin. */
    public Principal requireSelfOrAdmin(long userId) {
        Principal caller = require();
        if (caller.getUserId() != userId && !isAdmin(caller)) {
            throw new MediameshException(ErrorCode.PERMISSION_DENIED, "Only the owner or an admin may do this.");
        }
        return caller;
    }

    public static boolean isAdmin(Principal principal) {
        return principal.getRole() == Role.ROLE_ADMIN;
    }
}
