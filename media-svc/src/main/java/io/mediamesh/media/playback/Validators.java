package io.mediamesh.media.playback;

import io.mediamesh.media.file.StoredVideoFile;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Date;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The validators of a stored file and the conditional requests they answer (RFC 9110, sections 8 and 13). */
final class Validators {
    private static final Pattern ENTITY_TAG = Pattern.compile("(?:W/)?(\"[^\"]*\")");

    private Validators() {}

    /**
     * True if the client's copy is current: If-None-Match lists the ETag (weak comparison) or is
     * "*"; without If-None-Match, If-Modified-Since is not before the last modification.
     */
    static boolean notModified(HttpHeaders headers, StoredVideoFile file) {
        String ifNoneMatch = headers.get(HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            if (ifNoneMatch.trim().equals("*")) {
                return true;
            }
            Matcher tags = ENTITY_TAG.matcher(ifNoneMatch);
            while (tags.find()) {
                if (tags.group(1).equals(file.etag())) {
                    return true;
                }
            }
            return false;
        }
        String since = headers.get(HttpHeaderNames.IF_MODIFIED_SINCE);
        Date ifModifiedSince = since == null ? null : DateFormatter.parseHttpDate(since);
        // HTTP dates have whole seconds.
        return ifModifiedSince != null &&
               file.modifiedAt().getEpochSecond() <= ifModifiedSince.toInstant().getEpochSecond();
    }

    /**
     * True when If-Range voids the range: it does not name the current ETag exactly. An HTTP-date
     * or a weak tag never does, which is safe: the whole file is sent.
     */
    static boolean rangeVoided(HttpHeaders headers, StoredVideoFile file) {
        String ifRange = headers.get(HttpHeaderNames.IF_RANGE);
        return ifRange != null && !ifRange.trim().equals(file.etag());
    }

    /** Last-Modified's form of the file's time. */
    static String lastModified(StoredVideoFile file) {
        return DateFormatter.format(Date.from(file.modifiedAt()));
    }
}
