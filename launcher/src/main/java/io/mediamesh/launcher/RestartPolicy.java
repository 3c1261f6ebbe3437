package io.mediamesh.launcher;

import java.time.Duration;

/**
 * When a replica that crashed is started again: after {@code first}, doubled at every crash in a row,
 * never more than {@code max}. A replica that ran at least {@code stableAfter} before it crashed starts
 * the count again, so an occasional crash costs {@code first} and a crash loop waits {@code max}
 * between attempts instead of spinning.
 */
public record RestartPolicy(Duration first, Duration max, Duration stableAfter) {
    public static final RestartPolicy DEFAULT =
            new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(1));

    public RestartPolicy {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("need 0 < first <= max, not " + first + " and " + max);
        }
    }

    /** The wait before the next start after {@code crashesInARow} (1 or more) crashes in a row. */
    Duration delay(int crashesInARow) {
        if (crashesInARow < 1) {
            throw new IllegalArgumentException("crashesInARow must be 1 or more");
        }
        Duration delay = first;
        for (int crash = 1; crash < crashesInARow && delay.compareTo(max) < 0; crash++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) < 0 ? delay : max;
    }
}
