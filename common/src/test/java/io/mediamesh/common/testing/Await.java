package io.mediamesh.common.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for what real processes do asynchronously (a reconcile pass, a task run, an apply's end),
 * polling the condition instead of sleeping a fixed time.
 */
public final class Await {
    private static final Duration DEFAULT_LIMIT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 20;

    private Await() {}

    /** Polls {@code condition} until it holds, failing after 10 s. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT_LIMIT, condition);
    }

    /** Polls {@code condition} until it holds, failing after {@code limit}. */
    public static void until(String what, Duration limit, BooleanSupplier condition) {
        until(what, limit, condition, () -> "");
    }

    /** As {@link #until(String, Duration, BooleanSupplier)}, saying {@code state} when it fails. */
    public static void until(String what, Duration limit, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                String now = state.get();
                throw new AssertionError("Timed out after " + limit + " waiting until " + what +
                                         (now.isEmpty() ? "" : ": " + now));
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting until " + what, e);
            }
        }
    }
}
