package io.mediamesh.media.room;

import com.typesafe.config.Config;
import java.time.Duration;

/** Media room settings, from {@code mediamesh.media-svc.rooms} (see reference.conf). */
public record RoomSettings(Duration janusDeadline, Duration keepaliveInterval, Duration serverCacheTtl,
                           String postBaseUrl) {
    public static RoomSettings from(Config c) {
        String base = c.getString("post-base-url");
        return new RoomSettings(c.getDuration("janus-deadline"), c.getDuration("keepalive-interval"),
                                c.getDuration("server-cache-ttl"),
                                base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    }

    public RoomSettings withPostBaseUrl(String url) {
        return new RoomSettings(janusDeadline, keepaliveInterval, serverCacheTtl, url);
    }
}
