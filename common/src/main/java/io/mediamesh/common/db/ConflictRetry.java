package io.mediamesh.common.db;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Runs a transaction again when the database rolled it back for a conflict with another one: a
 * deadlock (MariaDB error 1213, SQLSTATE 40001) or, on a Galera cluster, a certification failure,
 * which Galera reports as the same deadlock error at commit when a transaction on another node
 * changed the same rows first (row locks are local to a node, so {@code FOR UPDATE} and unique
 * keys do not make transactions on two nodes wait for each other). The rolled-back transaction had
 * no effect, so running it again is safe as long as the transaction itself does nothing outside
 * the database: use it for whole transactions (or single statements) only, never around work that
 * calls other services.
 *
 * <p>At most {@code attempts} runs; between them a random pause (full jitter) under a bound that
 * doubles each time, so that the transactions that collided do not collide again in step. The
 * last conflict is thrown as it came. Lost connections are not retried here: whether a commit
 * whose answer was lost happened is unknown.
 */
public final class ConflictRetry {
    /** ER_LOCK_DEADLOCK: an InnoDB deadlock, or a Galera certification failure / brute-force abort. */
    private static final int LOCK_DEADLOCK = 1213;
    private static final String SERIALIZATION_FAILURE = "40001";

    private final int attempts;
    private final Duration firstPause;
    private final LongAdder retried = new LongAdder();

    public ConflictRetry(int attempts, Duration firstPause) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, not " + attempts);
        }
        if (firstPause.isNegative()) {
            throw new IllegalArgumentException("the first pause must not be negative: " + firstPause);
        }
        this.attempts = attempts;
        this.firstPause = firstPause;
    }

    /** Five runs, the first pause under 20 ms: a conflict costs well under a second even at the fifth run. */
    public static ConflictRetry defaults() {
        return new ConflictRetry(5, Duration.ofMillis(20));
    }

    /** Runs {@code transaction}, again after a conflict, up to the bound. */
    public <T> T run(Supplier<T> transaction) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction.get();
            } catch (RuntimeException e) {
                if (attempt >= attempts || !isConflict(e)) {
                    throw e;
                }
                retried.increment();
                pause(attempt);
            }
        }
    }

    /** How many runs were repeated after a conflict since this instance was made. */
    public long retried() {
        return retried.sum();
    }

    /** Whether {@code failure} (or a cause) is the database rolling back a transaction for a conflict. */
    public static boolean isConflict(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                && (sql.getErrorCode() == LOCK_DEADLOCK || SERIALIZATION_FAILURE.equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private void pause(int attempt) {
        long boundNanos = firstPause.toNanos() << Math.min(attempt - 1, 20);
        if (boundNanos <= 0) {
            return;
        }
        try {
            Thread.sleep(Duration.ofNanos(ThreadLocalRandom.current().nextLong(boundNanos)).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry a conflicting transaction", e);
        }
    }
}
