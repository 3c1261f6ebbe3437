package io.mediamesh.user.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.common.auth.SessionValidator;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.user.user.UserAccount;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jooq.DSLContext;

/**
 * Sessions: created at login, ended at logout or when their user is deleted, and expiring after
 * {@code idleTimeout} without use or {@code absoluteLifetime} after login, whichever comes first.
 * The stored expiry never passes the end of the absolute lifetime, and the check also measures
 * that lifetime from the creation time, so a shorter configured lifetime applies to sessions
 * already handed out.
 *
 * <p>A bounded cache keeps most checks off the database. Its entries live {@code cacheTtl} at most,
 * which bounds how long another user-svc replica may still honour a session ended elsewhere. Use
 * renews the expiry in the database only when it would move by {@code renewAfter} or more, so a
 * busy session costs one write a minute, not one per request.
 */
public final class SessionStore implements SessionValidator {
    private final SessionRepository repository;
    private final SessionTokens tokens = new SessionTokens();
    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration absoluteLifetime;
    private final Duration renewAfter;
    private final Cache<ByteBuffer, ActiveSession> cache;

    public SessionStore(DSLContext db, Clock clock, Duration idleTimeout, Duration absoluteLifetime,
                        Duration renewAfter, Duration cacheTtl, long cacheMaxEntries) {
        this.repository = new SessionRepository(db);
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.absoluteLifetime = absoluteLifetime;
        this.renewAfter = renewAfter;
        this.cache = Caffeine.newBuilder().expireAfterWrite(cacheTtl).maximumSize(cacheMaxEntries).build();
    }

    public SessionGrant create(UserAccount user) {
        String token = tokens.newToken();
        Instant now = clock.instant();
        Instant absoluteExpiresAt = now.plus(absoluteLifetime);
        Instant expiresAt = earlier(now.plus(idleTimeout), absoluteExpiresAt);
        repository.insert(SessionTokens.hash(token), user.id(), now, expiresAt);
        return new SessionGrant(token, expiresAt, absoluteExpiresAt);
    }

    @Override
    public Principal validate(String sessionId) {
        return touch(sessionId).user().toPrincipal();
    }

    /** The live session {@code sessionId} names, with its expiry renewed; else UNAUTHENTICATED. */
    public ActiveSession touch(String sessionId) {
        if (!SessionTokens.isWellFormed(sessionId)) {
            throw unauthenticated();
        }
        ByteBuffer key = ByteBuffer.wrap(SessionTokens.hash(sessionId));
        Instant now = clock.instant();
        ActiveSession session = cache.getIfPresent(key);
        if (session == null) {
            session = repository.findLive(key.array(), now, now.minus(absoluteLifetime))
                                .orElseThrow(SessionStore::unauthenticated);
        } else if (!session.expiresAt().isAfter(now) || !absoluteEnd(session).isAfter(now)) {
            cache.invalidate(key);
            throw unauthenticated();
        }
        Instant renewed = earlier(now.plus(idleTimeout), absoluteEnd(session));
        if (Duration.between(session.expiresAt(), renewed).compareTo(renewAfter) >= 0) {
            if (!repository.extend(key.array(), renewed)) {
                cache.invalidate(key);
                throw unauthenticated();
            }
            session = session.withExpiresAt(renewed);
        }
        cache.put(key, session);
        return session;
    }

    /** Ends a session; false if it was not live. */
    public boolean end(String sessionId) {
        if (!SessionTokens.isWellFormed(sessionId)) {
            return false;
        }
        byte[] hash = SessionTokens.hash(sessionId);
        cache.invalidate(ByteBuffer.wrap(hash));
        return repository.delete(hash, clock.instant());
    }

    /**
     * Forgets the cached sessions of a deleted user. Their rows went with the user (foreign-key
     * cascade), so this only stops the cache from honouring them.
     */
    public void forgetUser(long userId) {
        cache.asMap().values().removeIf(session -> session.user().id() == userId);
    }

    /** Deletes expired rows; called on a timer. */
    public int purgeExpired() {
        return repository.deleteExpired(clock.instant());
    }

    private Instant absoluteEnd(ActiveSession session) {
        return session.createdAt().plus(absoluteLifetime);
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static MediameshException unauthenticated() {
        return new MediameshException(ErrorCode.UNAUTHENTICATED, "The session is unknown, expired or ended.");
    }
}
