package io.mediamesh.common.auth;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.api.v1.Role;
import io.mediamesh.common.error.MediameshException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Who is calling the current gRPC method. A person is identified only by the session id in the
 * {@value #SESSION_HEADER} metadata header, validated on every use; a mediamesh service calling
 * another on its own behalf presents the shared secret in {@value #SERVICE_TOKEN_HEADER}. Nothing
 * else a client sends is trusted.
 */
public final class Callers {
    public static final String SESSION_HEADER = "x-session-id";
    public static final String SERVICE_TOKEN_HEADER = "x-mediamesh-service-token";

    private final SessionValidator validator;
    private final byte[] serviceToken;

    /**
     * @param serviceToken the secret shared by the mesh's services; empty disables service calls
     */
    public Callers(SessionValidator validator, String serviceToken) {
        this.validator = validator;
        this.serviceToken = serviceToken.getBytes(StandardCharsets.UTF_8);
    }

    /** The caller of the current request, or UNAUTHENTICATED. */
    public Principal require() {
        String sessionId = ServiceRequestContext.current().request().headers().get(SESSION_HEADER);
        if (sessionId == null || sessionId.isBlank()) {
            throw new MediameshException(ErrorCode.UNAUTHENTICATED, "A session is required.");
        }
        return validator.validate(sessionId.trim());
    }

    /**
     * The caller of a request anyone may make: empty without a session header, else the session's
     * holder (UNAUTHENTICATED if the session is not valid, as on any other call).
     */
    public Optional<Principal> optional() {
        String sessionId = ServiceRequestContext.current().request().headers().get(SESSION_HEADER);
        return sessionId == null || sessionId.isBlank() ? Optional.empty() : Optional.of(require());
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

    /** True if another mediamesh service makes this call on its own behalf. */
    public boolean isServiceCall() {
        String presented = ServiceRequestContext.current().request().headers().get(SERVICE_TOKEN_HEADER);
        return serviceToken.length > 0 && presented != null &&
               MessageDigest.isEqual(serviceToken, presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The call must come from another mediamesh service or an admin. */
    public void requireServiceOrAdmin() {
        if (!isServiceCall()) {
            requireAdmin();
        }
    }

    public static boolean isAdmin(Principal principal) {
        return principal.getRole() == Role.ROLE_ADMIN;
    }
}
