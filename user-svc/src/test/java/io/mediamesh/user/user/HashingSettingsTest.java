package io.mediamesh.user.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class HashingSettingsTest {
    private static final long MIB = 1024 * 1024;
    private static final int OWASP_KIB = 19456;

    @Test
    void theBoundIsWhatFitsInTheHeapShare() {
        HashingSettings derived = new HashingSettings(0, 0.25, 0.5, 64, Duration.ofSeconds(1));
        // -Xmx512m, 19 MiB a hash: a quarter of the heap holds 6.
        assertThat(derived.concurrency(512 * MIB, OWASP_KIB, 32)).isEqualTo(6);
        assertThat(derived.concurrency(2048 * MIB, OWASP_KIB, 64)).isEqualTo(26);
        // A heap too small for even one still hashes, one at a time.
        assertThat(derived.concurrency(32 * MIB, OWASP_KIB, 32)).isEqualTo(1);
    }

    @Test
    void hashesKeepNoMoreThanTheirShareOfTheProcessorsBusy() {
        HashingSettings derived = new HashingSettings(0, 0.25, 0.5, 64, Duration.ofSeconds(1));
        assertThat(derived.concurrency(512 * MIB, OWASP_KIB, 2)).isEqualTo(1);
        assertThat(derived.concurrency(64 * 1024 * MIB, OWASP_KIB, 8)).isEqualTo(4);
        assertThat(derived.concurrency(64 * 1024 * MIB, OWASP_KIB, 1)).isEqualTo(1);
    }

    @Test
    void aConfiguredBoundWins() {
        HashingSettings configured = new HashingSettings(3, 0.25, 0.5, 64, Duration.ofSeconds(1));
        assertThat(configured.concurrency(64 * 1024 * MIB, OWASP_KIB, 64)).isEqualTo(3);
        assertThat(configured.concurrency(32 * MIB, OWASP_KIB, 1)).isEqualTo(3);
    }
}
