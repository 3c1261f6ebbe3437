package io.mediamesh.user.session;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Throttling of failed logins, from the {@code logins} block.
 *
 * @param freeFailuresPerUser failures a user name may have before its attempts are delayed
 * @param freeFailuresPerAddress the same for a client address
 * @param delay the wait after the first failure beyond the free ones; it doubles with each further failure
 * @param maxDelay the longest wait
 * @param forgetAfter a count is dropped after this long without attempts
 * @param maxTracked user names (and, separately, addresses) counted at once; the least used go first
 */
public record LoginThrottleSettings(int freeFailuresPerUser, int freeFailuresPerAddress, Duration delay,
                                    Duration maxDelay, Duration forgetAfter, long maxTracked) {
    public static LoginThrottleSettings from(Config logins) {
        return new LoginThrottleSettings(logins.getInt("free-failures-per-user"),
                                         logins.getInt("free-failures-per-address"),
                                         logins.getDuration("delay"),
                                         logins.getDuration("max-delay"),
                                         logins.getDuration("forget-after"),
                                         logins.getLong("max-tracked"));
    }
}
