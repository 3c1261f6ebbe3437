package io.mediamesh.user.session;

import io.mediamesh.user.user.UserAccount;
import java.time.Instant;

/**
 * A live session: whose it is, when it ends unless used, and when it began (its absolute
 * lifetime counts from then).
 */
public record ActiveSession(UserAccount user, Instant expiresAt, Instant createdAt) {
    ActiveSession withExpiresAt(Instant newExpiresAt) {
        return new ActiveSession(user, newExpiresAt, createdAt);
    }
}
