package io.mediamesh.gateway.quota;

import io.mediamesh.api.v1.QuotaLimits;

/** A user's quotas as the REST API shows them: {@code {limits: {...}, usage: {...}}}. */
public record QuotaView(Amounts limits, Amounts usage) {
    /** One number per quota. */
    public record Amounts(long videos, long storedBytes, long rooms, long streams) {
        static Amounts of(QuotaLimits limits) {
            return new Amounts(limits.getVideos(), limits.getStoredBytes(), limits.getRooms(), limits.getStreams());
        }
    }
}
