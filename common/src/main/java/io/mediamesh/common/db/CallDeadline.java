package io.mediamesh.common.db;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import com.linecorp.armeria.common.logging.RequestLogProperty;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.util.OptionalLong;

/**
 * The time the call being served still has before its caller's deadline: Armeria makes a gRPC
 * call's {@code grpc-timeout} the request's timeout, counted from the start of the request. A
 * margin is kept for the answer's way back, so that a call whose database work ran out of time is
 * answered with an error before its caller gives up on it, rather than not at all.
 */
final class CallDeadline {
    private static final long ANSWER_MARGIN_NANOS = MILLISECONDS.toNanos(100);

    private CallDeadline() {}

    /**
     * Nanoseconds left for the current call's work (zero or less: none); empty outside a served
     * request (background jobs, startup) or for a request without a timeout.
     */
    static OptionalLong remainingNanos() {
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        if (ctx == null) {
            return OptionalLong.empty();
        }
        long timeoutMillis = ctx.requestTimeoutMillis();
        if (timeoutMillis <= 0 || !ctx.log().isAvailable(RequestLogProperty.REQUEST_START_TIME)) {
            return OptionalLong.empty();
        }
        long deadline = ctx.log().partial().requestStartTimeNanos() + MILLISECONDS.toNanos(timeoutMillis);
        return OptionalLong.of(deadline - ANSWER_MARGIN_NANOS - System.nanoTime());
    }
}
