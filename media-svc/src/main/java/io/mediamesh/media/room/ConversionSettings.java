package io.mediamesh.media.room;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * How ended room recordings become videos, from {@code mediamesh.media-svc.rooms.conversion}
 * (see reference.conf).
 *
 * @param pollInterval how often the worker looks for due conversions (it is also woken at once
 *        when a recording ends here)
 * @param lease how long a running conversion is its worker's; one still running after it was cut
 *        off (its process died) and is taken again
 * @param toolTimeout limit of one run of janus-pp-rec or ffmpeg, and of one file's download
 * @param maxAttempts attempts before a conversion that keeps failing in ways that may pass is given up
 * @param firstRetry wait after the first failed attempt, doubled after each further one
 * @param maxRetry longest wait between attempts
 * @param janusPpRec the janus-pp-rec executable (Debian's janus-tools)
 * @param ffmpeg the ffmpeg executable
 */
public record ConversionSettings(Duration pollInterval, Duration lease, Duration toolTimeout, int maxAttempts,
                                 Duration firstRetry, Duration maxRetry, String janusPpRec, String ffmpeg) {
    public static ConversionSettings from(Config c) {
        ConversionSettings settings = new ConversionSettings(
                c.getDuration("poll-interval"), c.getDuration("lease"), c.getDuration("tool-timeout"),
                c.getInt("max-attempts"), c.getDuration("first-retry"), c.getDuration("max-retry"),
                c.getString("janus-pp-rec"), c.getString("ffmpeg"));
        if (settings.maxAttempts < 1) {
            throw new ConfigException.BadValue(c.origin(), "max-attempts", "must be 1 or more");
        }
        if (settings.lease.compareTo(settings.toolTimeout) <= 0) {
            // A conversion's steps each end within the tool timeout; the lease must outlast one.
            throw new ConfigException.BadValue(c.origin(), "lease", "must be longer than tool-timeout");
        }
        return settings;
    }

    /** The wait after failed attempt number {@code attempt} (1-based). */
    public Duration backoff(int attempt) {
        Duration wait = firstRetry;
        for (int i = 1; i < attempt && wait.compareTo(maxRetry) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxRetry) > 0 ? maxRetry : wait;
    }
}
