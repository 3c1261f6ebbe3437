package io.mediamesh.gateway.limit;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.gateway.http.Envelope;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A bounded pool of tokens for one group of routes (the original design's "bucket token"): a
 * request takes a token or is refused with 429 and Retry-After; the token comes back once, when
 * the request's log completes, which is when the response has been sent, failed, or its client
 * went away (not when the handler returns, which for a stream is long before). Taking is a
 * non-blocking {@link Semaphore#tryAcquire()}, atomic under any concurrency.
 */
public final class TokenLimiter implements DecoratingHttpServiceFunction {
    /** Gauge of tokens in use, tagged with the group; Prometheus: mediamesh_gateway_limiter_tokens_in_use. */
    public static final String IN_USE_METER = "mediamesh.gateway.limiter.tokens.in.use";
    /** Gauge of the pool's size, tagged with the group. */
    public static final String CAPACITY_METER = "mediamesh.gateway.limiter.tokens.capacity";

    private final String group;
    private final int capacity;
    private final Semaphore tokens;
    private final String retryAfterSeconds;

    public TokenLimiter(String group, int capacity, Duration retryAfter, MeterRegistry registry) {
        this.group = group;
        this.capacity = capacity;
        this.tokens = new Semaphore(capacity);
        // Retry-After takes whole seconds; never 0, which would invite an immediate retry storm.
        this.retryAfterSeconds = Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
        Gauge.builder(IN_USE_METER, this, TokenLimiter::inUse).tag("group", group)
             .description("Tokens held by requests in flight").register(registry);
        Gauge.builder(CAPACITY_METER, this, limiter -> limiter.capacity).tag("group", group)
             .description("Tokens in the pool").register(registry);
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        if (!tokens.tryAcquire()) {
            return tooMany();
        }
        AtomicBoolean held = new AtomicBoolean(true);
        ctx.log().whenComplete().thenRun(() -> {
            if (held.compareAndSet(true, false)) {
                tokens.release();
            }
        });
        return delegate.serve(ctx, req);
    }

    public int inUse() {
        return capacity - tokens.availablePermits();
    }

    private HttpResponse tooMany() {
        ResponseHeaders headers = ResponseHeaders.builder(HttpStatus.TOO_MANY_REQUESTS)
                                                 .contentType(MediaType.JSON_UTF_8)
                                                 .set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds)
                                                 .build();
        return HttpResponse.of(headers, HttpData.wrap(Envelope.errorBody(
                ErrorCode.TOO_MANY_REQUESTS, "All " + capacity + " " + group + " tokens are in use; retry later.")));
    }
}
