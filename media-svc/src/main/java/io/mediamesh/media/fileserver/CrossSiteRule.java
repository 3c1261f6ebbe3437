package io.mediamesh.media.fileserver;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses a state change that another site could have made a browser send: one authenticated by
 * the session cookie, with a body type a cross-site form may send without asking (CORS-safelisted:
 * form encodings, text/plain, none), coming from another site by its {@code Sec-Fetch-Site} or
 * {@code Origin}. A video or tus body type cannot be sent cross-site without a preflight this server
 * never grants, and a header-authenticated request cannot be forged at all.
 */
public final class CrossSiteRule {
    private static final Set<String> FORM_TYPES = Set.of("application/x-www-form-urlencoded", "multipart/form-data",
                                                         "text/plain");
    private static final Set<String> OWN_SITE = Set.of("same-origin", "same-site", "none");

    private CrossSiteRule() {}

    /** Throws CROSS_SITE_REQUEST when the request is such a forgery. */
    public static void check(HttpHeaders headers) {
        boolean byCookie = RequestSession.of(headers).map(RequestSession::fromCookie).orElse(false);
        if (byCookie && formType(headers.get(HttpHeaderNames.CONTENT_TYPE)) && fromAnotherSite(headers)) {
            throw new MediameshException(ErrorCode.CROSS_SITE_REQUEST,
                                         "A request from another site may not change anything here.");
        }
    }

    private static boolean formType(String contentType) {
        if (contentType == null) {
            return true;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.isEmpty() || FORM_TYPES.contains(type);
    }

    private static boolean fromAnotherSite(HttpHeaders headers) {
        String fetchSite = headers.get("Sec-Fetch-Site");
        if (fetchSite != null) {
            return !OWN_SITE.contains(fetchSite.trim().toLowerCase(Locale.ROOT));
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin == null) {
            // Not a browser's cross-site request (they send Origin on every POST, PATCH and DELETE).
            return false;
        }
        String host = headers.get(HttpHeaderNames.HOST);
        return host == null || !hostOf(origin).equalsIgnoreCase(host.replaceFirst(":\\d+$", ""));
    }

    private static String hostOf(String origin) {
        try {
            String host = URI.create(origin.trim()).getHost();
            return host == null ? "" : host;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
