package io.mediamesh.common.client;

import com.linecorp.armeria.client.ClientRequestContext;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.HttpClient;
import com.linecorp.armeria.client.ResponseTimeoutException;
import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.client.endpoint.DynamicEndpointGroup;
import com.linecorp.armeria.client.endpoint.EndpointGroup;
import com.linecorp.armeria.client.endpoint.EndpointSelectionStrategy;
import com.linecorp.armeria.common.ClosedSessionException;
import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.common.logging.RequestLog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The replicas calls may go to, weighted round-robin: those of {@code healthy} (the health-checked
 * replicas) that are not ejected. A replica that joins (started, back from an ejection or a failed
 * health check) starts with a tenth of its share, growing to all of it over {@link #RAMP_UP}: a
 * freshly started JVM answers its first calls slowly. A replica is ejected when a
 * call finds it unreachable (the connection cannot be made, or breaks: it is stopping or gone, and
 * a retry must not meet it again before its health check has told), or when its calls fail
 * {@value #FAILURES_TO_EJECT} times in a row otherwise (UNAVAILABLE, a reset stream: its /health
 * may answer while its calls fail, its database gone, say). It stays out for
 * {@link #BASE_EJECTION}, twice as long each time it is ejected again without a success in between
 * (at most {@link #MAX_EJECTION}). Two rules keep a service reachable: while no replica is healthy
 * (before the first health check, or all down) every replica of {@code all} is offered, so a call
 * fails at once as it did with one endpoint instead of waiting; and when every usable replica is
 * ejected none is, since a replica that may fail beats none.
 */
final class EjectingEndpointGroup extends DynamicEndpointGroup {
    static final int FAILURES_TO_EJECT = 3;
    static final Duration BASE_EJECTION = Duration.ofSeconds(5);
    static final Duration MAX_EJECTION = Duration.ofSeconds(60);
    static final Duration RAMP_UP = Duration.ofSeconds(10);
    private static final int RAMP_UP_STEPS = 10;
    /** How long a call waits for a replica while there is none at all (a DNS name not resolved yet). */
    private static final long SELECTION_TIMEOUT_MILLIS = 1_000;

    private final EndpointGroup all;
    private final EndpointGroup healthy;
    private final LongSupplier nanoClock;
    private final Map<Endpoint, Outcomes> outcomes = new ConcurrentHashMap<>();

    /** One replica's recent calls: failures in a row, ejections in a row, and until when it is out. */
    private record Outcomes(int failuresInARow, int ejectionsInARow, long ejectedUntilNanos) {
        static final Outcomes NONE = new Outcomes(0, 0, 0);

        boolean ejectedAt(long nanos) {
            return ejectionsInARow > 0 && nanos - ejectedUntilNanos < 0;
        }
    }

    EjectingEndpointGroup(EndpointGroup all, EndpointGroup healthy, LongSupplier nanoClock) {
        super(EndpointSelectionStrategy.builderForRampingUp()
                                       .rampingUpInterval(RAMP_UP.dividedBy(RAMP_UP_STEPS))
                                       .totalSteps(RAMP_UP_STEPS)
                                       .build(),
              true, SELECTION_TIMEOUT_MILLIS);
        this.all = all;
        this.healthy = healthy;
        this.nanoClock = nanoClock;
        all.addListener(endpoints -> refresh(), true);
        healthy.addListener(endpoints -> refresh(), true);
    }

    /** A decorator recording each call's outcome against the replica that answered it. */
    Function<? super HttpClient, ? extends HttpClient> outcomeRecorder() {
        return delegate -> (ctx, req) -> {
            ctx.log().whenComplete().thenAccept(log -> record(ctx, log));
            return delegate.execute(ctx, req);
        };
    }

    private void record(ClientRequestContext ctx, RequestLog log) {
        Endpoint endpoint = ctx.endpoint();
        if (endpoint == null || log.responseCause() instanceof ResponseTimeoutException) {
            // No replica was reached, or the call ran out of time: nothing said about the replica.
            return;
        }
        Throwable cause = log.responseCause();
        boolean unreachable = cause instanceof UnprocessedRequestException || cause instanceof ClosedSessionException;
        boolean failed = cause != null || isUnavailable(log);
        long now = nanoClock.getAsLong();
        Outcomes before;
        Outcomes after;
        synchronized (this) {
            before = outcomes.getOrDefault(endpoint, Outcomes.NONE);
            after = next(before, failed, unreachable, now);
            if (after.equals(Outcomes.NONE)) {
                outcomes.remove(endpoint);
            } else if (!after.equals(before)) {
                outcomes.put(endpoint, after);
            }
        }
        if (after.ejectedAt(now) && !before.ejectedAt(now)) {
            refresh();
            // Offered again when its time is up.
            CommonPools.workerGroup().schedule(this::refresh, after.ejectedUntilNanos() - now + 1_000_000,
                                               TimeUnit.NANOSECONDS);
        }
    }

    private static boolean isUnavailable(RequestLog log) {
        String status = log.responseTrailers().get("grpc-status");
        if (status == null) {
            status = log.responseHeaders().get("grpc-status");
        }
        return "14".equals(status);
    }

    private static Outcomes next(Outcomes before, boolean failed, boolean unreachable, long now) {
        if (before.ejectedAt(now)) {
            // Calls that were under way when it was ejected say nothing new.
            return before;
        }
        if (!failed) {
            return Outcomes.NONE;
        }
        int failures = before.failuresInARow() + 1;
        if (!unreachable && failures < FAILURES_TO_EJECT) {
            return new Outcomes(failures, before.ejectionsInARow(), before.ejectedUntilNanos());
        }
        long ejection = Math.min(BASE_EJECTION.toNanos() << Math.min(before.ejectionsInARow(), 4),
                                 MAX_EJECTION.toNanos());
        return new Outcomes(0, before.ejectionsInARow() + 1, now + ejection);
    }

    private synchronized void refresh() {
        if (isClosing()) {
            // A re-admission scheduled before the group was closed.
            return;
        }
        // Replicas gone from the name (or the list) are forgotten.
        outcomes.keySet().retainAll(all.endpoints());
        List<Endpoint> candidates = healthy.endpoints().isEmpty() ? all.endpoints() : healthy.endpoints();
        long now = nanoClock.getAsLong();
        List<Endpoint> usable = candidates.stream()
                                          .filter(e -> !outcomes.getOrDefault(e, Outcomes.NONE).ejectedAt(now))
                                          .toList();
        setEndpoints(usable.isEmpty() ? candidates : usable);
    }

    @Override
    protected void doCloseAsync(CompletableFuture<?> future) {
        healthy.closeAsync().thenCompose(unused -> all.closeAsync())
               .whenComplete((unused, cause) -> future.complete(null));
    }

    @Override
    protected String toStringSelector() {
        return "healthy=" + healthy + ", ejected=" + outcomes.entrySet().stream()
                                                               .filter(e -> e.getValue().ejectedAt(nanoClock.getAsLong()))
                                                               .map(Map.Entry::getKey).toList();
    }
}
