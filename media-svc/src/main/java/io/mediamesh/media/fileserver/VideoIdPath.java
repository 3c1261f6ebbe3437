package io.mediamesh.media.fileserver;

import io.mediamesh.api.v1.ErrorCode;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The paths of a route that end in a video's id ({@code /stream/videos/:vid}, {@code /upload/videos/:vid}):
 * which paths it owns, and the id one names.
 */
public final class VideoIdPath {
    private final String prefix;
    private final Pattern path;

    /** @param prefix what every such path starts with, up to the id, e.g. {@code /stream/videos/} */
    public VideoIdPath(String prefix) {
        this.prefix = prefix;
        this.path = Pattern.compile(Pattern.quote(prefix) + "([1-9][0-9]{0,18})");
    }

    /** True for the raw paths under the prefix, well-formed or not: the route answers them all. */
    public boolean owns(String rawPath) {
        return rawPath.startsWith(prefix);
    }

    /** The id the exchange's path names; empty once the exchange was answered INVALID_ID for a malformed one. */
    public OptionalLong videoId(Exchange exchange) {
        Matcher id = path.matcher(exchange.rawPath());
        if (!id.matches()) {
            exchange.respondError(ErrorCode.INVALID_ID, "vid must be a positive integer.");
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(id.group(1)));
    }
}
