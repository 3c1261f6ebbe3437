package io.mediamesh.gateway.browser;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.mediamesh.gateway.GatewayFileSettings;
import java.util.List;

/**
 * The browser hardening headers on every response of the public port: no content sniffing, no
 * referrer sent to other origins, no framing; and, for HTML, a Content-Security-Policy that lets a
 * page load only what the site itself serves, with no inline script. The one exception is media:
 * {@code /stream/videos/:vid} redirects players to media-svc's file server, another origin (another
 * port at least), so {@code media-src} names that origin too; and the room pages talk to the media
 * servers' Janus, so {@code connect-src} names the configured Janus origins.
 */
public final class SecurityHeaders implements DecoratingHttpServiceFunction {
    /** The policy of HTML pages. */
    public static final String HTML_POLICY = "default-src 'self'; object-src 'none'; base-uri 'self'; " +
                                             "form-action 'self'; frame-ancestors 'none'";

    private final GatewayFileSettings files;
    private final String connectSources;

    /** @param janusOrigins scheme://host[:port] each (BrowserSettings checks them) */
    public SecurityHeaders(GatewayFileSettings files, List<String> janusOrigins) {
        this.files = files;
        this.connectSources = janusOrigins.isEmpty() ? "" : "; connect-src 'self' " + String.join(" ", janusOrigins);
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        // Additional headers also reach the responses the error handler renders.
        ctx.mutateAdditionalResponseHeaders(headers -> headers.set(HttpHeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff")
                                                              .set(HttpHeaderNames.REFERRER_POLICY,
                                                                   "strict-origin-when-cross-origin")
                                                              .set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY"));
        return delegate.serve(ctx, req).mapHeaders(headers -> withHtmlPolicy(ctx, headers));
    }

    private ResponseHeaders withHtmlPolicy(ServiceRequestContext ctx, ResponseHeaders headers) {
        MediaType type = headers.contentType();
        if (type == null || !type.is(MediaType.HTML_UTF_8.withoutParameters())) {
            return headers;
        }
        return headers.toBuilder().set(HttpHeaderNames.CONTENT_SECURITY_POLICY, htmlPolicy(ctx)).build();
    }

    /** The policy of an HTML page asked for by {@code ctx}: media also from the file server players go to. */
    String htmlPolicy(ServiceRequestContext ctx) {
        String files = this.files.publicOrigin(ctx.request().authority());
        // A Host header making anything but an origin gets no media source.
        String media = BrowserSettings.ORIGIN.matcher(files).matches() ? "; media-src 'self' " + files : "";
        return HTML_POLICY + media + connectSources;
    }
}
