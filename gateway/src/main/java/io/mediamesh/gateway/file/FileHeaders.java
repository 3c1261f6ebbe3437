package io.mediamesh.gateway.file;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import io.mediamesh.api.v1.VideoFileStat;
import io.mediamesh.common.time.Times;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The HTTP validators and descriptive headers of a video file (RFC 9110, sections 8 and 13). */
final class FileHeaders {
    private static final Pattern ENTITY_TAG = Pattern.compile("(?:W/)?(\"[^\"]*\")");

    private FileHeaders() {}

    /** Status line plus the headers every answer about the file carries. */
    static ResponseHeadersBuilder describe(HttpStatus status, VideoFileStat stat) {
        return ResponseHeaders.builder(status)
                              .set(HttpHeaderNames.ACCEPT_RANGES, "bytes")
                              .set(HttpHeaderNames.ETAG, stat.getEtag())
                              .setTimeMillis(HttpHeaderNames.LAST_MODIFIED,
                                             Times.fromProto(stat.getModifiedAt()).toEpochMilli());
    }

    /** Headers of a 200/206 whose body is {@code length} bytes of the file. */
    static ResponseHeadersBuilder content(HttpStatus status, VideoFileStat stat, long length) {
        return describe(status, stat).contentType(MediaType.parse(stat.getContentType())).contentLength(length);
    }

    /**
     * True if the client's copy is current: If-None-Match lists the ETag (weak comparison) or is
     * "*"; without If-None-Match, If-Modified-Since is not before the last modification.
     */
    static boolean notModified(RequestHeaders headers, VideoFileStat stat) {
        String ifNoneMatch = headers.get(HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            if (ifNoneMatch.trim().equals("*")) {
                return true;
            }
            Matcher tags = ENTITY_TAG.matcher(ifNoneMatch);
            while (tags.find()) {
                if (tags.group(1).equals(stat.getEtag())) {
                    return true;
                }
            }
            return false;
        }
        Long ifModifiedSince = headers.getTimeMillis(HttpHeaderNames.IF_MODIFIED_SINCE);
        // HTTP dates have whole seconds.
        long modifiedSeconds = stat.getModifiedAt().getSeconds();
        return ifModifiedSince != null && modifiedSeconds <= ifModifiedSince / 1000;
    }
}
