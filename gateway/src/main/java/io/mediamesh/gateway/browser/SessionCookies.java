package io.mediamesh.gateway.browser;

import com.linecorp.armeria.common.Cookie;
import com.linecorp.armeria.common.CookieBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.mediamesh.api.v1.Session;
import io.mediamesh.common.time.Times;
import io.mediamesh.gateway.http.Calls;
import java.time.Clock;
import java.time.Duration;

/**
 * The {@code session} cookie: HttpOnly (no script reads it), SameSite=Lax, Secure when the request
 * came over TLS or the configuration says the site is served over TLS (a proxy in front ends it),
 * and a Max-Age until the end of the session's absolute lifetime. The idle expiry is renewed on the
 * server as the session is used, so the browser keeps the cookie as long as the session can live.
 */
public final class SessionCookies {
    private final boolean alwaysSecure;
    private final Clock clock;

    public SessionCookies(boolean alwaysSecure, Clock clock) {
        this.alwaysSecure = alwaysSecure;
        this.clock = clock;
    }

    /** The cookie that carries {@code session}. */
    public Cookie issue(ServiceRequestContext ctx, Session session) {
        CookieBuilder cookie = base(ctx, session.getSessionId());
        if (session.hasAbsoluteExpiresAt()) {
            Duration left = Duration.between(clock.instant(), Times.fromProto(session.getAbsoluteExpiresAt()));
            cookie.maxAge(Math.max(0, left.toSeconds()));
        }
        return cookie.build();
    }

    /** The cookie that makes the browser forget the session. */
    public Cookie clear(ServiceRequestContext ctx) {
        return base(ctx, "").maxAge(0).build();
    }

    private CookieBuilder base(ServiceRequestContext ctx, String value) {
        return Cookie.builder(Calls.SESSION_COOKIE, value)
                     .path("/")
                     .httpOnly(true)
                     .sameSite("Lax")
                     .secure(alwaysSecure || ctx.sessionProtocol().isTls());
    }
}
