package io.mediamesh.user.session;

import io.mediamesh.user.user.UserAccount;
import java.time.Instant;

/** A live session: whose it is, and when it ends unless used. */
public record ActiveSession(UserAccount user, Instant expiresAt) {
    ActiveSession withExpiresAt(Instant newExpiresAt) {
        return new ActiveSession(user, newExpiresAt);
    }
}
