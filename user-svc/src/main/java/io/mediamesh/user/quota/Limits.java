package io.mediamesh.user.quota;

import com.typesafe.config.Config;
import io.mediamesh.api.v1.QuotaLimits;

/** A user's limits, or the configured defaults ({@code quotas} block of user-svc's settings). */
public record Limits(long videos, long storedBytes, long rooms, long streams) {
    public Limits {
        if (videos < 0 || storedBytes < 0 || rooms < 0 || streams < 0) {
            throw new IllegalArgumentException("Quota limits must not be negative: " + videos + ", " + storedBytes +
                                               ", " + rooms + ", " + streams);
        }
    }

    public static Limits from(Config quotas) {
        return new Limits(quotas.getLong("videos"), quotas.getBytes("stored-bytes"), quotas.getLong("rooms"),
                          quotas.getLong("streams"));
    }

    public QuotaLimits toProto() {
        return QuotaLimits.newBuilder().setVideos(videos).setStoredBytes(storedBytes).setRooms(rooms)
                          .setStreams(streams).build();
    }
}
