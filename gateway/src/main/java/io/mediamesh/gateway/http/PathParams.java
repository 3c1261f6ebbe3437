package io.mediamesh.gateway.http;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;

/** Ids and paging parameters from paths and query strings, parsed into 400s rather than 500s. */
public final class PathParams {
    private PathParams() {}

    /** A positive 64-bit id. */
    public static long id(String raw, String name) {
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new MediameshException(ErrorCode.INVALID_ID, name + " must be a positive integer, not \"" +
                                                           abbreviate(raw) + "\".");
    }

    /** A page size: absent or empty means the service's default (0). */
    public static int limit(String raw) {
        if (raw == null || raw.isEmpty()) {
            return 0;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit > 0) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new MediameshException(ErrorCode.INVALID_PAGINATION, "limit must be a positive integer.");
    }

    private static String abbreviate(String raw) {
        return raw.length() <= 32 ? raw : raw.substring(0, 32) + "...";
    }
}
