package io.mediamesh.media.room;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/** Media room settings, from {@code mediamesh.media-svc.rooms} (see reference.conf). */
public record RoomSettings(Duration janusDeadline, Duration keepaliveInterval, Duration serverCacheTtl,
                           String postBaseUrl, Duration reconcileInterval, Duration recordingLinkTtl,
                           Duration turnCredentialTtl, ConversionSettings conversion) {
    public static RoomSettings from(Config c) {
        String base = c.getString("post-base-url");
        Duration reconcile = c.getDuration("reconcile-interval");
        if (reconcile.isNegative()) {
            throw new ConfigException.BadValue(c.origin(), "reconcile-interval", "must be 0 (off) or more");
        }
        Duration linkTtl = c.getDuration("recording-link-ttl");
        if (linkTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException.BadValue(c.origin(), "recording-link-ttl", "must be 1s or more");
        }
        Duration turnTtl = c.getDuration("turn-credential-ttl");
        if (turnTtl.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new ConfigException.BadValue(c.origin(), "turn-credential-ttl", "must be 1m or more");
        }
        return new RoomSettings(c.getDuration("janus-deadline"), c.getDuration("keepalive-interval"),
                                c.getDuration("server-cache-ttl"),
                                base.endsWith("/") ? base.substring(0, base.length() - 1) : base, reconcile, linkTtl,
                                turnTtl, ConversionSettings.from(c.getConfig("conversion")));
    }

    public RoomSettings withPostBaseUrl(String url) {
        return new RoomSettings(janusDeadline, keepaliveInterval, serverCacheTtl, url, reconcileInterval,
                                recordingLinkTtl, turnCredentialTtl, conversion);
    }
}
