package io.mediamesh.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class BackoffTest {
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(300), 2.0, Duration.ofMillis(1000));

    @Test
    void eachAttemptWaitsLongerUpToTheCap() {
        assertThat(BACKOFF.after(0)).isEqualTo(Duration.ofMillis(300));
        assertThat(BACKOFF.after(1)).isEqualTo(Duration.ofMillis(300));
        assertThat(BACKOFF.after(2)).isEqualTo(Duration.ofMillis(600));
        assertThat(BACKOFF.after(3)).isEqualTo(Duration.ofMillis(1000));
        assertThat(BACKOFF.after(Integer.MAX_VALUE)).isEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void aFactorOfOneWaitsTheSameEveryTime() {
        Backoff steady = new Backoff(Duration.ofSeconds(1), 1.0, Duration.ofSeconds(5));

        assertThat(steady.after(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(steady.after(50)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void settingsThatCannotMakeSenseAreRefused() {
        for (Runnable bad : new Runnable[] {
                () -> new Backoff(Duration.ofMillis(-1), 2.0, Duration.ofSeconds(1)),
                () -> new Backoff(Duration.ofSeconds(2), 2.0, Duration.ofSeconds(1)),
                () -> new Backoff(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(2))}) {
            assertThatThrownBy(bad::run).isInstanceOf(IllegalArgumentException.class)
                                        .hasMessageContaining("0 <= base <= cap and factor >= 1");
        }
    }
}
