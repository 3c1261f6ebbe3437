package io.mediamesh.user.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.error.MediameshException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class LoginThrottleTest {
    private static final LoginThrottleSettings SETTINGS = new LoginThrottleSettings(
            3, 10, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofMinutes(15), 1000);

    /** A clock the test moves by hand, so that delays are checked without waiting them out. */
    private static final class HandClock extends Clock {
        private Instant now = Instant.parse("2030-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final HandClock clock = new HandClock();
    private final LoginThrottle throttle = new LoginThrottle(SETTINGS, clock);

    @Test
    void afterTheFreeFailuresEachAttemptWaitsTwiceAsLongUpToTheMaximum() {
        for (int i = 0; i < 3; i++) {
            throttle.admit("alice", "127.0.0.1");
        }
        assertRefused("alice", "127.0.0.1", "1");
        clock.advance(Duration.ofMillis(999));
        assertRefused("alice", "127.0.0.1", "1");
        clock.advance(Duration.ofMillis(1));
        throttle.admit("alice", "127.0.0.1");
        assertRefused("alice", "127.0.0.1", "2");
        clock.advance(Duration.ofSeconds(2));
        throttle.admit("alice", "127.0.0.1");
        assertRefused("alice", "127.0.0.1", "4");
        clock.advance(Duration.ofSeconds(4));
        throttle.admit("alice", "127.0.0.1");
        assertRefused("alice", "127.0.0.1", "8");
        clock.advance(Duration.ofSeconds(8));
        throttle.admit("alice", "127.0.0.1");
        // Capped.
        assertRefused("alice", "127.0.0.1", "8");
    }

    @Test
    void userNamesAreCountedRegardlessOfCaseAndFromAnyAddress() {
        throttle.admit("Bob", "127.0.0.1");
        throttle.admit("BOB", "127.0.0.2");
        throttle.admit("bob", "127.0.0.3");
        assertRefused("bOb", "127.0.0.4", "1");
    }

    @Test
    void anAddressIsThrottledAcrossUserNames() {
        for (int i = 0; i < 10; i++) {
            throttle.admit("spray" + i, "127.0.0.9");
        }
        assertRefused("spray10", "127.0.0.9", "1");
        // The refusal did not count against the user name: from elsewhere it has all its failures.
        for (int i = 0; i < 3; i++) {
            throttle.admit("spray10", "127.0.0.10");
        }
        assertRefused("spray10", "127.0.0.10", "1");
    }

    @Test
    void aSuccessClearsTheUserNameAndGivesTheAddressItsAttemptBack() {
        throttle.admit("carol", "127.0.0.1");
        throttle.admit("carol", "127.0.0.1");
        throttle.admit("carol", "127.0.0.1").succeeded();
        for (int i = 0; i < 3; i++) {
            throttle.admit("carol", "127.0.0.1");
        }
        assertRefused("carol", "127.0.0.1", "1");
    }

    @Test
    void anAttemptNeverJudgedDoesNotCount() {
        for (int i = 0; i < 10; i++) {
            throttle.admit("dave", "127.0.0.1").notJudged();
        }
        for (int i = 0; i < 3; i++) {
            throttle.admit("dave", "127.0.0.1");
        }
        assertRefused("dave", "127.0.0.1", "1");
    }

    @Test
    void ipv6AddressesAreCountedPerSlash64() {
        assertThat(LoginThrottle.addressKey("2001:db8:1:2:aaaa::1"))
                .isEqualTo(LoginThrottle.addressKey("2001:db8:1:2:bbbb::2")).isEqualTo("2001:db8:1:2::/64");
        assertThat(LoginThrottle.addressKey("2001:db8:1:3::1")).isNotEqualTo(LoginThrottle.addressKey("2001:db8:1:2::1"));
        assertThat(LoginThrottle.addressKey("::1")).isEqualTo("::/64");
        assertThat(LoginThrottle.addressKey("127.0.0.1")).isEqualTo("127.0.0.1");
    }

    private void assertRefused(String userName, String address, String retryAfterSeconds) {
        assertThatThrownBy(() -> throttle.admit(userName, address))
                .isInstanceOfSatisfying(MediameshException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
                    assertThat(e.metadata()).containsEntry(ErrorCatalog.RETRY_AFTER_METADATA, retryAfterSeconds);
                });
    }
}
