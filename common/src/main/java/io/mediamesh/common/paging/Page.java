package io.mediamesh.common.paging;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Keyset pagination over descending ids: a cursor is the opaque form of the last id a page
 * returned, so pages stay stable while rows are added.
 *
 * @param limit rows wanted
 * @param before only ids below this one; {@link Long#MAX_VALUE} for the first page
 */
public record Page(int limit, long before) {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;
    private static final String PREFIX = "id:";

    /** Validates a request's limit (0 for the default) and cursor (empty for the first page). */
    public static Page of(int limit, String cursor) {
        return of(limit, cursor, DEFAULT_LIMIT, MAX_LIMIT);
    }

    /** As {@link #of(int, String)}, for a method whose contract names other limits. */
    public static Page of(int limit, String cursor, int defaultLimit, int maxLimit) {
        if (limit < 0 || limit > maxLimit) {
            throw new MediameshException(ErrorCode.INVALID_PAGINATION,
                                         "limit must be between 1 and " + maxLimit + '.');
        }
        return new Page(limit == 0 ? defaultLimit : limit, cursor.isEmpty() ? Long.MAX_VALUE : decode(cursor));
    }

    /** The rows to return from {@code fetched} (read with {@link #fetchSize()}) and the next cursor. */
    public <T> Result<T> result(List<T> fetched, ToLongFunction<T> id) {
        if (fetched.size() <= limit) {
            return new Result<>(List.copyOf(fetched), "");
        }
        List<T> rows = fetched.subList(0, limit);
        return new Result<>(List.copyOf(rows), encode(id.applyAsLong(rows.get(limit - 1))));
    }

    /** One more than the limit, to learn whether another page exists without counting. */
    public int fetchSize() {
        return limit + 1;
    }

    /** Immutable, so that a result can be cached and shared. */
    public record Result<T>(List<T> rows, String nextCursor) {}

    private static String encode(long id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + id).getBytes(StandardCharsets.UTF_8));
    }

    private static long decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith(PREFIX)) {
                long id = Long.parseLong(text.substring(PREFIX.length()));
                if (id > 0) {
                    return id;
                }
            }
        } catch (IllegalArgumentException e) {
            // Falls through to the error below; NumberFormatException is an IllegalArgumentException.
        }
        throw new MediameshException(ErrorCode.INVALID_PAGINATION, "cursor is not one this service issued.");
    }
}
