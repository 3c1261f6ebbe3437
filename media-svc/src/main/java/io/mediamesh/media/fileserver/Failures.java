package io.mediamesh.media.fileserver;

import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.media.playback.FileSlice;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a file-server handler failed with into the envelope a client sees, with the catalog's
 * status: a code of ours as it is, another service out of reach as 503, anything else as a logged 500.
 */
public final class Failures {
    private static final Logger logger = LoggerFactory.getLogger(Failures.class);

    private Failures() {}

    public static void respond(Exchange exchange, Throwable thrown) {
        respond(exchange, thrown, new DefaultHttpHeaders());
    }

    /** As {@link #respond(Exchange, Throwable)}, with headers every answer of the route carries. */
    public static void respond(Exchange exchange, Throwable thrown, HttpHeaders extra) {
        Throwable cause = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause()
                                                                                             : thrown;
        if (cause instanceof ClientGone) {
            return;
        }
        if (cause instanceof MediameshException e) {
            exchange.respondError(e.code(), e.getMessage(), extra);
            return;
        }
        Optional<ErrorInfo> info = ErrorCatalog.errorInfoOf(cause);
        Optional<ErrorCode> code = ErrorCatalog.reasonOf(cause);
        if (code.isPresent()) {
            exchange.respondError(code.get(), Status.fromThrowable(cause).getDescription(),
                                  headers(info.get()).add(extra));
            return;
        }
        if (cause instanceof StatusRuntimeException e &&
            (e.getStatus().getCode() == Status.Code.UNAVAILABLE ||
             e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED)) {
            exchange.respondError(ErrorCode.SERVICE_UNAVAILABLE, "A service this request needs did not answer.",
                                  extra);
            return;
        }
        logger.warn("File server request {} {} failed", exchange.method(), exchange.rawPath(), cause);
        exchange.closeAfterResponse();
        exchange.respondError(ErrorCode.INTERNAL_ERROR, "The file server failed.", extra);
    }

    /** A 416 names the file's size (RFC 9110, 15.5.17). */
    private static HttpHeaders headers(ErrorInfo info) {
        HttpHeaders headers = new DefaultHttpHeaders();
        String size = info.getMetadataMap().get(FileSlice.SIZE_METADATA);
        if (ErrorCode.RANGE_NOT_SATISFIABLE.name().equals(info.getReason()) && size != null) {
            headers.set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size).set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
        }
        return headers;
    }
}
