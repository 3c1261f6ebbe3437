package io.mediamesh.common.error;

import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.ResponseCompleteException;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import com.linecorp.armeria.common.stream.AbortedStreamException;
import com.linecorp.armeria.common.stream.CancelledSubscriptionException;
import com.linecorp.armeria.common.stream.ClosedStreamException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.db.ConflictRetry;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever a gRPC method throws into a status with a catalog code, so that no failure
 * leaves a service without an ErrorInfo reason.
 */
public final class GrpcErrors implements GrpcExceptionHandlerFunction {
    private static final Logger logger = LoggerFactory.getLogger(GrpcErrors.class);
    private static final String UNAVAILABLE = "A service this call needs is unavailable.";

    @Override
    public Status apply(RequestContext ctx, Status status, Throwable cause, Metadata metadata) {
        StatusRuntimeException mapped = toStatusException(ctx, status, cause);
        if (mapped == null) {
            return status;
        }
        if (mapped.getTrailers() != null) {
            metadata.merge(mapped.getTrailers());
        }
        return mapped.getStatus();
    }

    private static StatusRuntimeException toStatusException(RequestContext ctx, Status status, Throwable cause) {
        if (cause instanceof MediameshException e) {
            return ErrorCatalog.toStatusException(e);
        }
        if (cause instanceof ResponseCompleteException) {
            // A stream the service already ended well (the client had not half-closed): nothing failed.
            return null;
        }
        if (cause instanceof StatusRuntimeException e) {
            // Already a status (e.g. from a downstream call): keep it unless it lacks our reason.
            if (ErrorCatalog.reasonOf(e).isPresent()) {
                return e;
            }
            ErrorCode code = switch (e.getStatus().getCode()) {
                case UNAVAILABLE, DEADLINE_EXCEEDED -> ErrorCode.SERVICE_UNAVAILABLE;
                case CANCELLED -> null;
                default -> ErrorCode.INTERNAL_ERROR;
            };
            if (code == null) {
                return null;
            }
            // The description may name internal addresses (a refused connection): logged, not passed on.
            logger.warn("{} A downstream call failed: {}", ctx, describe(e));
            return ErrorCatalog.toStatusException(code, code == ErrorCode.SERVICE_UNAVAILABLE ? UNAVAILABLE
                                                                                              : "Internal error.");
        }
        if (cause instanceof ClosedStreamException || cause instanceof CancelledSubscriptionException ||
            cause instanceof AbortedStreamException || cause instanceof ResponseCompleteException) {
            // The client cancelled the call or went away, or the call was already answered (and the
            // rest of a client stream dropped): nobody is left to tell, nothing went wrong.
            return null;
        }
        if (cause instanceof UnprocessedRequestException || status.getCode() == Status.Code.UNAVAILABLE ||
            status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            // A downstream call that failed on its way (a refused connection, handed on as the cause
            // of its status by an observer's onError).
            logger.warn("{} A downstream call failed: {}", ctx, String.valueOf(cause));
            return ErrorCatalog.toStatusException(ErrorCode.SERVICE_UNAVAILABLE, UNAVAILABLE);
        }
        if (cause instanceof DataAccessException && lostTheDatabase(cause)) {
            // No connection (the database is restarting or unreachable, or a statement outlived the
            // pool's query timeout): the call may be tried again shortly, like any unavailable service.
            logger.warn("{} The database is unavailable: {}", ctx, String.valueOf(cause.getCause()));
            return ErrorCatalog.toStatusException(ErrorCode.SERVICE_UNAVAILABLE, UNAVAILABLE);
        }
        if (cause instanceof DataAccessException && ConflictRetry.isConflict(cause)) {
            // A deadlock, or on Galera a transaction that lost certification to one on another node
            // (a service's connections span two nodes for a while after a failover): rolled back whole,
            // so the call may be tried again.
            logger.warn("{} The transaction conflicted with another and was rolled back: {}", ctx,
                        String.valueOf(cause.getCause()));
            return ErrorCatalog.toStatusException(ErrorCode.SERVICE_UNAVAILABLE, UNAVAILABLE);
        }
        if (cause instanceof DataAccessException) {
            logger.warn("{} Database operation failed", ctx, cause);
            return ErrorCatalog.toStatusException(ErrorCode.DATABASE_ERROR, "A database operation failed.");
        }
        logger.error("{} Unexpected failure", ctx, cause);
        return ErrorCatalog.toStatusException(ErrorCode.INTERNAL_ERROR, "Internal error.");
    }

    /** True when the failure is the loss of (or no way to get) a connection, not the statement itself. */
    private static boolean lostTheDatabase(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                || t instanceof SQLRecoverableException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(StatusRuntimeException e) {
        String description = e.getStatus().getDescription();
        return description == null ? e.getStatus().getCode().name() : description;
    }
}
