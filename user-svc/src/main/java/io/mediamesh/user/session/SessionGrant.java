package io.mediamesh.user.session;

import io.mediamesh.api.v1.Session;
import io.mediamesh.common.time.Times;
import java.time.Instant;

/** A new session id, handed out once, its first (idle) expiry and the end of its absolute lifetime. */
public record SessionGrant(String sessionId, Instant expiresAt, Instant absoluteExpiresAt) {
    public Session toProto() {
        return Session.newBuilder().setSessionId(sessionId).setExpiresAt(Times.toProto(expiresAt))
                      .setAbsoluteExpiresAt(Times.toProto(absoluteExpiresAt)).build();
    }
}
