package io.mediamesh.user.session;

import static io.mediamesh.user.db.Tables.SESSIONS;
import static io.mediamesh.user.db.Tables.USERS;

import io.mediamesh.common.time.Times;
import io.mediamesh.user.user.UserAccount;
import io.mediamesh.user.user.UserRole;
import java.time.Instant;
import java.util.Optional;
import org.jooq.DSLContext;

/** The sessions table, keyed by the SHA-256 of the session id. */
final class SessionRepository {
    private final DSLContext db;

    SessionRepository(DSLContext db) {
        this.db = db;
    }

    void insert(byte[] tokenHash, long userId, Instant now, Instant expiresAt) {
        db.insertInto(SESSIONS)
          .set(SESSIONS.TOKEN_HASH, tokenHash)
          .set(SESSIONS.USER_ID, userId)
          .set(SESSIONS.CREATED_AT, Times.toDb(now))
          .set(SESSIONS.EXPIRES_AT, Times.toDb(expiresAt))
          .execute();
    }

    /** The live session with this hash and its user: not idle too long, and begun after {@code createdAfter}. */
    Optional<ActiveSession> findLive(byte[] tokenHash, Instant now, Instant createdAfter) {
        return db.select(USERS.ID, USERS.USER_NAME, USERS.ROLE, USERS.CREATED_AT, SESSIONS.EXPIRES_AT,
                         SESSIONS.CREATED_AT)
                 .from(SESSIONS).join(USERS).on(USERS.ID.eq(SESSIONS.USER_ID))
                 .where(SESSIONS.TOKEN_HASH.eq(tokenHash).and(SESSIONS.EXPIRES_AT.gt(Times.toDb(now)))
                                           .and(SESSIONS.CREATED_AT.gt(Times.toDb(createdAfter))))
                 .fetchOptional(r -> new ActiveSession(
                         new UserAccount(r.get(USERS.ID), r.get(USERS.USER_NAME), UserRole.fromDb(r.get(USERS.ROLE)),
                                         Times.fromDb(r.get(USERS.CREATED_AT))),
                         Times.fromDb(r.get(SESSIONS.EXPIRES_AT)), Times.fromDb(r.get(SESSIONS.CREATED_AT))));
    }

    /** Moves a session's expiry; false if the session is gone. */
    boolean extend(byte[] tokenHash, Instant expiresAt) {
        return db.update(SESSIONS)
                 .set(SESSIONS.EXPIRES_AT, Times.toDb(expiresAt))
                 .where(SESSIONS.TOKEN_HASH.eq(tokenHash))
                 .execute() == 1;
    }

    /** Deletes a session; true only if it was still live (an expired one is removed all the same). */
    boolean delete(byte[] tokenHash, Instant now) {
        return db.transactionResult(tx -> {
            boolean live = tx.dsl().fetchExists(SESSIONS, SESSIONS.TOKEN_HASH.eq(tokenHash)
                                                                             .and(SESSIONS.EXPIRES_AT.gt(Times.toDb(now))));
            tx.dsl().deleteFrom(SESSIONS).where(SESSIONS.TOKEN_HASH.eq(tokenHash)).execute();
            return live;
        });
    }

    int deleteExpired(Instant now) {
        return db.deleteFrom(SESSIONS).where(SESSIONS.EXPIRES_AT.le(Times.toDb(now))).execute();
    }
}
