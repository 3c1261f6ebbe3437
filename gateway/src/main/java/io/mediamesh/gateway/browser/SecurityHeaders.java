package io.mediamesh.gateway.browser;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;

/**
 * The browser hardening headers on every response of the public port: no content sniffing, no
 * referrer sent to other origins, no framing; and, for HTML, a Content-Security-Policy that lets a
 * page load only what the site itself serves, with no inline script.
 */
public final class SecurityHeaders implements DecoratingHttpServiceFunction {
    /** The policy of HTML pages. */
    public static final String HTML_POLICY = "default-src 'self'; object-src 'none'; base-uri 'self'; " +
                                             "form-action 'self'; frame-ancestors 'none'";

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        // Additional headers also reach the responses the error handler renders.
        ctx.mutateAdditionalResponseHeaders(headers -> headers.set(HttpHeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff")
                                                              .set(HttpHeaderNames.REFERRER_POLICY,
                                                                   "strict-origin-when-cross-origin")
                                                              .set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY"));
        return delegate.serve(ctx, req).mapHeaders(SecurityHeaders::withHtmlPolicy);
    }

    private static ResponseHeaders withHtmlPolicy(ResponseHeaders headers) {
        MediaType type = headers.contentType();
        if (type == null || !type.is(MediaType.HTML_UTF_8.withoutParameters())) {
            return headers;
        }
        return headers.toBuilder().set(HttpHeaderNames.CONTENT_SECURITY_POLICY, HTML_POLICY).build();
    }
}
