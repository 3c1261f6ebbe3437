package io.mediamesh.gateway.browser;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import io.mediamesh.gateway.http.Calls;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Tells a cross-site request forgery from the site's own requests, from a request's headers alone.
 *
 * <p>A browser attaches the session cookie to requests another site makes it send (SameSite=Lax
 * still lets top-level form posts through from sibling sites, and a form or a no-cors fetch can
 * carry any body as {@code text/plain}, {@code application/x-www-form-urlencoded} or
 * {@code multipart/form-data}). What another site cannot make a browser send without a CORS
 * preflight, which the gateway never grants, is a header of its choosing: the session in
 * {@code X-Session-Id}, a JSON or tus ({@code application/offset+octet-stream}, or the
 * {@code Tus-Resumable} header) content type. Nor can it forge {@code Sec-Fetch-Site} or
 * {@code Origin}, which say where the request comes from.
 *
 * <p>So a request that changes state (any method but GET, HEAD, OPTIONS and TRACE, and every
 * WebSocket handshake) is allowed when it presents its session in the header, or has a JSON or
 * tus content type (not for a WebSocket handshake, which has none); otherwise, when its session
 * comes from the cookie, only when {@code Sec-Fetch-Site} says {@code same-origin} (or
 * {@code none}: the user's own doing), or, without that header, when {@code Origin} is the
 * gateway's own origin or one of the configured site origins. A request without any session is
 * refused only when the browser says it comes from elsewhere, so that a site cannot sign a visitor
 * in to an account of its choosing, while clients that are not browsers (curl, which sends neither
 * header) keep working.
 */
public final class CrossSitePolicy {
    private final Set<String> siteOrigins;

    /** @param siteOrigins origins ({@code scheme://host[:port]}) that count as the site's own besides the gateway's */
    public CrossSitePolicy(Collection<String> siteOrigins) {
        this.siteOrigins = siteOrigins.stream().map(CrossSitePolicy::normalize)
                                      .map(origin -> origin.orElseThrow(() -> new IllegalArgumentException(
                                              "Not an origin (scheme://host[:port]) among " + siteOrigins)))
                                      .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether to serve a request with {@code headers}, which came over TLS if {@code tls}. */
    public boolean allows(RequestHeaders headers, boolean tls) {
        boolean webSocket = isWebSocketHandshake(headers);
        if (!webSocket && isSafe(headers.method())) {
            return true;
        }
        if (Calls.hasSessionHeader(headers)) {
            return true;
        }
        if (!webSocket && hasUnforgeableContentType(headers)) {
            return true;
        }
        Site site = site(headers, tls);
        return Calls.sessionFromCookie(headers) ? site == Site.SAME : site != Site.CROSS;
    }

    private enum Site { SAME, CROSS, UNKNOWN }

    private Site site(RequestHeaders headers, boolean tls) {
        String fetchSite = headers.get(HttpHeaderNames.SEC_FETCH_SITE);
        if (fetchSite != null) {
            String value = fetchSite.trim().toLowerCase(Locale.ROOT);
            return "same-origin".equals(value) || "none".equals(value) ? Site.SAME : Site.CROSS;
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin == null) {
            return Site.UNKNOWN;
        }
        Optional<String> normalized = normalize(origin.trim());
        if (normalized.isEmpty()) {
            // "null" (a sandboxed frame, a data: URL...) or garbage: not the site.
            return Site.CROSS;
        }
        String authority = headers.authority();
        boolean own = authority != null &&
                      normalize((tls ? "https://" : "http://") + authority).equals(normalized);
        return own || siteOrigins.contains(normalized.get()) ? Site.SAME : Site.CROSS;
    }

    private static boolean isSafe(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS ||
               method == HttpMethod.TRACE;
    }

    private static boolean isWebSocketHandshake(RequestHeaders headers) {
        String upgrade = headers.get(HttpHeaderNames.UPGRADE);
        return headers.method() == HttpMethod.CONNECT ||
               (upgrade != null && "websocket".equalsIgnoreCase(upgrade.trim()));
    }

    private static boolean hasUnforgeableContentType(RequestHeaders headers) {
        if (headers.contains("tus-resumable")) {
            return true;
        }
        MediaType type = headers.contentType();
        return type != null && (type.isJson() ||
                                "application".equals(type.type()) && "offset+octet-stream".equals(type.subtype()));
    }

    /** {@code scheme://host[:port]} in lower case without the scheme's default port; empty if not an origin. */
    static Optional<String> normalize(String origin) {
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme();
        String host = uri.getHost();
        if (scheme == null || host == null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) ||
            uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            return Optional.empty();
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        if (("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443)) {
            port = -1;
        }
        return Optional.of(scheme + "://" + host.toLowerCase(Locale.ROOT) + (port == -1 ? "" : ":" + port));
    }
}
