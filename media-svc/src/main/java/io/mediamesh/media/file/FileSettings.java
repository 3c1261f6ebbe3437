package io.mediamesh.media.file;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Video file storage, from {@code mediamesh.media-svc.files}.
 *
 * @param resumableExpireAfter how long a resumable upload lives after its last PATCH
 * @param resumableSweepInterval how often expired resumable uploads are removed
 */
public record FileSettings(Path root, long maxSize, int readChunk, Duration idleTimeout, Duration sweepOlderThan,
                           Duration resumableExpireAfter, Duration resumableSweepInterval) {
    /** The proto's ceiling for one chunk message. */
    public static final int MAX_CHUNK = 1024 * 1024;

    public FileSettings {
        if (maxSize <= 0) {
            throw new IllegalArgumentException("files.max-size must be positive");
        }
        if (readChunk <= 0 || readChunk > MAX_CHUNK) {
            throw new IllegalArgumentException("files.read-chunk must be between 1 byte and 1 MiB");
        }
        root = root.toAbsolutePath().normalize();
    }

    public static FileSettings from(Config files) {
        return new FileSettings(Path.of(files.getString("root")), files.getBytes("max-size"),
                                files.getBytes("read-chunk").intValue(), files.getDuration("idle-timeout"),
                                files.getDuration("sweep-older-than"),
                                files.getDuration("resumable.expire-after"),
                                files.getDuration("resumable.sweep-interval"));
    }
}
