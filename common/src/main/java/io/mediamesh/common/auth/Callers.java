package io.mediamesh.common.auth;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.api.v1.Role;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is calling the current gRPC method. The calling process is the mesh identity of its TLS
 * certificate ({@link MeshTls#peer}); each method that a service calls on its own behalf states
 * which identities may ({@link #requireService}). A person is identified only by the session id
 * in the {@value #SESSION_HEADER} metadata header, validated on every use, and only when a process
 * allowed to carry users' sessions to this service (the gateway, say) presents it. Nothing else a
 * client sends is trusted.
 */
public final class Callers {
    public static final String SESSION_HEADER = "x-session-id";

    private final SessionValidator validator;
    private final MeshTls tls;
    private final Set<Identity> sessionCarriers;

    /**
     * @param sessionCarriers the identities that may call this service with a user's session (or
     *        for a user who has none)
     */
    public Callers(SessionValidator validator, MeshTls tls, Set<Identity> sessionCarriers) {
        this.validator = validator;
        this.tls = tls;
        this.sessionCarriers = Set.copyOf(sessionCarriers);
    }

    /** The caller of the current request, or UNAUTHENTICATED. */
    public Principal require() {
        requirePeer(sessionCarriers, "carry a user's session here");
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
        requirePeer(sessionCarriers, "call for a user here");
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

    /** The identity of the calling process, or UNAUTHENTICATED. */
    public Identity peer() {
        return tls.peer(ServiceRequestContext.current()).orElseThrow(() -> new MediameshException(
                ErrorCode.UNAUTHENTICATED, "The caller presented no certificate of the mesh."));
    }

    /** True if the process {@code identity} makes this call. */
    public boolean isCalledBy(Identity identity) {
        return tls.peer(ServiceRequestContext.current()).filter(identity::equals).isPresent();
    }

    /** True if the process {@code identity} makes this call on its own behalf, with no user's session. */
    public boolean isOwnCallOf(Identity identity) {
        String sessionId = ServiceRequestContext.current().request().headers().get(SESSION_HEADER);
        return (sessionId == null || sessionId.isBlank()) && isCalledBy(identity);
    }

    /**
     * The call must come from one of {@code allowed}, on its own behalf; PERMISSION_DENIED naming
     * the caller otherwise.
     */
    public Identity requireService(Set<Identity> allowed) {
        return requirePeer(allowed, "call this method");
    }

    /**
     * The call must come from one of {@code services} on its own behalf (no user's session), or
     * else carry an admin's session.
     */
    public void requireServiceOrAdmin(Set<Identity> services) {
        if (services.stream().noneMatch(this::isOwnCallOf)) {
            requireAdmin();
        }
    }

    private Identity requirePeer(Set<Identity> allowed, String what) {
        Identity caller = peer();
        if (!allowed.contains(caller)) {
            Set<String> names = new TreeSet<>();
            allowed.forEach(identity -> names.add(identity.name()));
            throw new MediameshException(ErrorCode.PERMISSION_DENIED, caller + " may not " + what + " (" +
                    (names.isEmpty() ? "no caller may" : "only " + String.join(", ", names) + " may") + ").");
        }
        return caller;
    }

    public static boolean isAdmin(Principal principal) {
        return principal.getRole() == Role.ROLE_ADMIN;
    }
}
