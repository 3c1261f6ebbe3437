package io.mediamesh.user.quota;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.UpdateQuotaRequest;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.quota.Quota;
import java.util.OptionalLong;

/** The limits an admin set for one user; an empty one is the default. */
public record Overrides(OptionalLong videos, OptionalLong storedBytes, OptionalLong rooms, OptionalLong streams) {
    public static final Overrides NONE = new Overrides(OptionalLong.empty(), OptionalLong.empty(),
                                                       OptionalLong.empty(), OptionalLong.empty());

    /** The request's limits, each checked not to be negative (INVALID_REQUEST). */
    public static Overrides of(UpdateQuotaRequest request) {
        return new Overrides(checked(Quota.VIDEOS, request.hasVideos(), request.getVideos()),
                             checked(Quota.STORED_BYTES, request.hasStoredBytes(), request.getStoredBytes()),
                             checked(Quota.ROOMS, request.hasRooms(), request.getRooms()),
                             checked(Quota.STREAMS, request.hasStreams(), request.getStreams()));
    }

    public boolean isEmpty() {
        return videos.isEmpty() && storedBytes.isEmpty() && rooms.isEmpty() && streams.isEmpty();
    }

    /** These overrides over {@code defaults}. */
    public Limits over(Limits defaults) {
        return new Limits(videos.orElse(defaults.videos()), storedBytes.orElse(defaults.storedBytes()),
                          rooms.orElse(defaults.rooms()), streams.orElse(defaults.streams()));
    }

    private static OptionalLong checked(Quota quota, boolean set, long value) {
        if (!set) {
            return OptionalLong.empty();
        }
        if (value < 0) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST,
                                         "The " + quota.wireName() + " limit must not be negative.");
        }
        return OptionalLong.of(value);
    }
}
