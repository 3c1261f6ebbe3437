package io.mediamesh.user.quota;

import io.mediamesh.api.v1.QuotaUsage;

/** What a user holds against the quotas user-svc keeps: video records not deleted and their files' bytes. */
public record Usage(long videos, long storedBytes) {
    /** As QuotaUsage, whose rooms and streams are media-svc's to count. */
    public QuotaUsage toProto() {
        return QuotaUsage.newBuilder().setVideos(videos).setStoredBytes(storedBytes).build();
    }
}
