package io.mediamesh.media.fileserver;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.Optional;

/**
 * The session a request presents, as the gateway reads it: the {@code X-Session-Id} header, or else
 * the {@code session} cookie. Which of the two matters: only a cookie is sent by a browser on its
 * own, so only a cookie-authenticated request can be forged by another site.
 *
 * @param id the session id, unvalidated
 * @param fromCookie true when it came from the cookie
 */
public record RequestSession(String id, boolean fromCookie) {
    static final String HEADER = "X-Session-Id";
    static final String COOKIE = "session";

    public static Optional<RequestSession> of(HttpHeaders headers) {
        String header = headers.get(HEADER);
        if (header != null && !header.isBlank()) {
            return Optional.of(new RequestSession(header.trim(), false));
        }
        for (String cookies : headers.getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie cookie : ServerCookieDecoder.LAX.decode(cookies)) {
                if (cookie.name().equals(COOKIE) && !cookie.value().isBlank()) {
                    return Optional.of(new RequestSession(cookie.value(), true));
                }
            }
        }
        return Optional.empty();
    }

    /** The session id, or null when the request has none (which the authority refuses with 401). */
    public static String idOf(HttpHeaders headers) {
        return of(headers).map(RequestSession::id).orElse(null);
    }
}
