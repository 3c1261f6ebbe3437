package io.mediamesh.common.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.api.v1.SessionServiceGrpc.SessionServiceBlockingStub;
import io.mediamesh.api.v1.ValidateSessionRequest;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.error.MediameshException;
import java.time.Duration;

/**
 * Validates sessions by asking user-svc, for services other than user-svc. A short-lived cache
 * keeps a burst of calls with one session to one round trip; a logout is seen by these services
 * within {@code cacheTtl}.
 */
public final class RemoteSessionValidator implements SessionValidator {
    private final SessionServiceBlockingStub sessions;
    private final Cache<String, Principal> cache;

    public RemoteSessionValidator(SessionServiceBlockingStub sessions, Duration cacheTtl, long maxEntries) {
        this.sessions = sessions;
        this.cache = Caffeine.newBuilder().expireAfterWrite(cacheTtl).maximumSize(maxEntries).build();
    }

    @Override
    public Principal validate(String sessionId) {
        Principal cached = cache.getIfPresent(sessionId);
        if (cached != null) {
            return cached;
        }
        try {
            Principal principal = sessions.validateSession(
                    ValidateSessionRequest.newBuilder().setSessionId(sessionId).build()).getPrincipal();
            cache.put(sessionId, principal);
            return principal;
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
                throw new MediameshException(ErrorCode.UNAUTHENTICATED, "The session is not valid.");
            }
            throw ErrorCatalog.reasonOf(e).isPresent() ? e
                    : new MediameshException(ErrorCode.SERVICE_UNAVAILABLE, "user-svc did not answer.", e);
        }
    }
}
