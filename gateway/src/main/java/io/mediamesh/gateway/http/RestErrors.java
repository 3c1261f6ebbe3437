package io.mediamesh.gateway.http;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.ExceptionHandlerFunction;
import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.error.MediameshException;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become REST responses: a catalog code (from a gRPC status's
 * ErrorInfo, or thrown by the gateway itself) picks the HTTP status declared for it in
 * errors.proto; a gRPC status without one is mapped by its status code, a service that is down or
 * too slow is a 503, and anything else is a 500 that is logged.
 */
public final class RestErrors implements ExceptionHandlerFunction, ServerErrorHandler {
    private static final Logger logger = LoggerFactory.getLogger(RestErrors.class);
    /**
     * How Armeria describes a path it refuses before routing (a dot-dot segment such as
     * /upload/videos/..%2F..%2Fetc%2Fpasswd), without telling which path over HTTP/1. On these
     * routes such a segment can only stand where a path parameter goes, so it is INVALID_ID.
     */
    private static final String INVALID_PATH = "Invalid request path";

    @Override
    public HttpResponse handleException(ServiceRequestContext ctx, HttpRequest req, Throwable cause) {
        return toResponse(ctx, cause);
    }

    @Override
    public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
        return toResponse(ctx, cause);
    }

    /** Armeria's own statuses (no such route, body too large, timeout) in the envelope too. */
    @Override
    public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config,
                                               RequestHeaders headers, HttpStatus status, String description,
                                               Throwable cause) {
        String message = description != null ? description : status.reasonPhrase();
        ErrorCode code = status == HttpStatus.BAD_REQUEST && INVALID_PATH.equals(description)
                         ? ErrorCode.INVALID_ID : codeFor(status);
        return AggregatedHttpResponse.of(headers(status, code, Optional.empty()),
                                         HttpData.wrap(Envelope.errorBody(code, message)));
    }

    private static ErrorCode codeFor(HttpStatus status) {
        return switch (status.code()) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 503, 504 -> ErrorCode.SERVICE_UNAVAILABLE;
            default -> status.isClientError() ? ErrorCode.INVALID_REQUEST : ErrorCode.INTERNAL_ERROR;
        };
    }

    static HttpResponse toResponse(ServiceRequestContext ctx, Throwable thrown) {
        Throwable cause = unwrap(thrown);
        if (cause instanceof HttpStatusException e) {
            return respond(e.httpStatus(), codeFor(e.httpStatus()), e.httpStatus().reasonPhrase(), Optional.empty());
        }
        Failure failure = failureOf(ctx, cause);
        return respond(HttpStatus.valueOf(ErrorCatalog.httpStatus(failure.code())), failure.code(), failure.message(),
                       ErrorCatalog.retryAfterOf(cause));
    }

    /** A failure as the envelope's code and message. */
    public record Failure(ErrorCode code, String message) {}

    /**
     * What a failure tells a REST client, for responses that cannot be an envelope (a stream that
     * already started, a WebSocket message). Logs what {@link #toResponse} would log.
     */
    public static Failure failureOf(RequestContext ctx, Throwable thrown) {
        Throwable cause = unwrap(thrown);
        if (cause instanceof MediameshException e) {
            return new Failure(e.code(), e.getMessage());
        }
        if (cause instanceof ContentTooLargeException) {
            return new Failure(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is too large.");
        }
        if (cause instanceof StatusRuntimeException e) {
            ErrorCode code = ErrorCatalog.reasonOf(e).orElseGet(() -> byStatus(e));
            // A service that sheds load on purpose (with a Retry-After) did not fail.
            if ((code == ErrorCode.INTERNAL_ERROR || code == ErrorCode.SERVICE_UNAVAILABLE) &&
                ErrorCatalog.retryAfterOf(e).isEmpty()) {
                logger.warn("{} Backend call failed: {}", ctx, e.getStatus());
            }
            String description = e.getStatus().getDescription();
            return new Failure(code, description != null && ErrorCatalog.reasonOf(e).isPresent()
                                     ? description : defaultMessage(code));
        }
        logger.error("{} Unexpected failure", ctx, cause);
        return new Failure(ErrorCode.INTERNAL_ERROR, "Internal error.");
    }

    private static HttpResponse respond(HttpStatus status, ErrorCode code, String message,
                                        Optional<String> retryAfterSeconds) {
        return HttpResponse.of(headers(status, code, retryAfterSeconds),
                               HttpData.wrap(Envelope.errorBody(code, message)));
    }

    /** An envelope's headers, with the Retry-After a service asked for (in its ErrorInfo) or the code's own. */
    private static ResponseHeaders headers(HttpStatus status, ErrorCode code, Optional<String> retryAfterSeconds) {
        ResponseHeadersBuilder headers = ResponseHeaders.builder(status).contentType(MediaType.JSON_UTF_8);
        ErrorCatalog.retryAfter(code, retryAfterSeconds)
                    .ifPresent(seconds -> headers.set(HttpHeaderNames.RETRY_AFTER, seconds));
        return headers.build();
    }

    private static ErrorCode byStatus(StatusRuntimeException e) {
        return switch (e.getStatus().getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> ErrorCode.SERVICE_UNAVAILABLE;
            case UNAUTHENTICATED -> ErrorCode.UNAUTHENTICATED;
            case PERMISSION_DENIED -> ErrorCode.PERMISSION_DENIED;
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> ErrorCode.INVALID_REQUEST;
            case RESOURCE_EXHAUSTED -> ErrorCode.TOO_MANY_REQUESTS;
            default -> ErrorCode.INTERNAL_ERROR;
        };
    }

    private static String defaultMessage(ErrorCode code) {
        return switch (code) {
            case SERVICE_UNAVAILABLE -> "A service this request needs is unavailable; try again later.";
            case INTERNAL_ERROR -> "Internal error.";
            default -> code.name();
        };
    }

    private static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) &&
               cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
