package io.mediamesh.user.session;

import io.mediamesh.api.v1.Session;
import io.mediamesh.common.time.Times;
import java.time.Instant;

/** A new session id, handed out once, and its first expiry. */
public record SessionGrant(String sessionId, Instant expiresAt) {
    public Session toProto() {
        return Session.newBuilder().setSessionId(sessionId).setExpiresAt(Times.toProto(expiresAt)).build();
    }
}
