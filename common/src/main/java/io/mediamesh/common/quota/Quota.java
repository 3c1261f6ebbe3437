package io.mediamesh.common.quota;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import java.util.Map;

/** The per-user quotas of quotas.proto, by the names their failures and the REST views use. */
public enum Quota {
    VIDEOS("videos"),
    STORED_BYTES("stored_bytes"),
    ROOMS("rooms"),
    STREAMS("streams");

    /** ErrorInfo.metadata key of a QUOTA_EXCEEDED: the quota's name. */
    public static final String QUOTA_METADATA = "quota";
    /** ErrorInfo.metadata key of a QUOTA_EXCEEDED: the quota's limit. */
    public static final String LIMIT_METADATA = "limit";

    private final String wireName;

    Quota(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** QUOTA_EXCEEDED naming this quota and its limit, in the message and in ErrorInfo.metadata. */
    public MediameshException exceeded(long limit) {
        return new MediameshException(ErrorCode.QUOTA_EXCEEDED,
                                      "quota exceeded: " + wireName + " (limit " + limit + ")",
                                      Map.of(QUOTA_METADATA, wireName, LIMIT_METADATA, Long.toString(limit)));
    }

    /** Refuses one more when {@code used} already reaches {@code limit}. */
    public void requireRoomForOne(long used, long limit) {
        if (used >= limit) {
            throw exceeded(limit);
        }
    }
}
