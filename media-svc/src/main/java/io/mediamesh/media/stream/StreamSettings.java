package io.mediamesh.media.stream;

import com.typesafe.config.Config;
import java.time.Duration;

/** Live stream settings, from {@code mediamesh.media-svc.streams} (see reference.conf). */
public record StreamSettings(Duration reconcileInterval, Duration changeLease) {
    public static StreamSettings from(Config c) {
        return new StreamSettings(c.getDuration("reconcile-interval"), c.getDuration("change-lease"));
    }
}
