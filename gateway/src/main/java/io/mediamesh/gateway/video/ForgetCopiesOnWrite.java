package io.mediamesh.gateway.video;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.util.Set;

/**
 * Forgets every copy of {@link ReadCopies} when a request that may change state succeeds, before its
 * response headers leave: a client that sees its write acknowledged then reads through this replica
 * sees the write. Any such request counts (a comment, a login too): a forgotten copy costs one call to
 * user-svc, a copy kept too long would show a client its own write missing.
 */
public final class ForgetCopiesOnWrite implements DecoratingHttpServiceFunction {
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final ReadCopies copies;

    public ForgetCopiesOnWrite(ReadCopies copies) {
        this.copies = copies;
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        HttpResponse response = delegate.serve(ctx, req);
        if (SAFE.contains(req.method())) {
            return response;
        }
        return response.mapHeaders(headers -> {
            if (!headers.status().isInformational() && headers.status().code() < 400) {
                copies.forgetAll();
            }
            return headers;
        });
    }
}
