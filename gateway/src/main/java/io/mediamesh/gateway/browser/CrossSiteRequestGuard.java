package io.mediamesh.gateway.browser;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.gateway.http.Envelope;

/**
 * Refuses, with 403 CROSS_SITE_REQUEST and before the route sees the request, what
 * {@link CrossSitePolicy} finds to be a cross-site forgery. Goes on every route group that
 * changes state.
 */
public final class CrossSiteRequestGuard implements DecoratingHttpServiceFunction {
    private final CrossSitePolicy policy;

    public CrossSiteRequestGuard(CrossSitePolicy policy) {
        this.policy = policy;
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        if (policy.allows(req.headers(), ctx.sessionProtocol().isTls())) {
            return delegate.serve(ctx, req);
        }
        return Envelope.error(HttpStatus.FORBIDDEN, ErrorCode.CROSS_SITE_REQUEST,
                              "A request that uses the session cookie must come from this site or be JSON.");
    }
}
