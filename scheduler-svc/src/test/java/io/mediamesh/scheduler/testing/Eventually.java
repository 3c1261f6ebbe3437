package io.mediamesh.scheduler.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition on real, asynchronous work, polling without a fixed sleep per step. */
public final class Eventually {
    private Eventually() {}

    /** Returns once {@code condition} holds; fails with {@code state} after {@code timeout}. */
    public static void await(Duration timeout, BooleanSupplier condition, Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Still not done after " + timeout + ": " + state.get());
            }
            Thread.sleep(20);
        }
    }
}
