package io.mediamesh.media.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for what Janus or media-svc do asynchronously (a kick after an event, a reconcile pass). */
public final class Await {
    private static final Duration POLL = Duration.ofMillis(20);

    private Await() {}

    /** Polls {@code condition} until it holds, failing after {@code limit}. */
    public static void until(String what, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + limit + " waiting until " + what);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting until " + what, e);
            }
        }
    }
}
