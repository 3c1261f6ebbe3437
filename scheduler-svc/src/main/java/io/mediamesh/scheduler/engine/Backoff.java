package io.mediamesh.scheduler.engine;

import java.time.Duration;

/** Exponential backoff: the wait after failed attempt {@code n} is {@code base * factor^(n-1)}, at most {@code cap}. */
public record Backoff(Duration base, double factor, Duration cap) {
    public Backoff {
        if (base.isNegative() || cap.compareTo(base) < 0 || factor < 1.0) {
            throw new IllegalArgumentException("backoff needs 0 <= base <= cap and factor >= 1");
        }
    }

    public Duration after(int attempt) {
        double millis = base.toMillis() * Math.pow(factor, Math.max(0, attempt - 1));
        // Doubles saturate rather than overflow, so a large attempt lands on the cap.
        return millis >= cap.toMillis() ? cap : Duration.ofMillis((long) millis);
    }
}
