package io.mediamesh.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.ErrorCode;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** How database failures that reach a gRPC method are answered. */
@Tag("fast")
class GrpcErrorsTest {
    private final ServiceRequestContext ctx = ServiceRequestContext.of(HttpRequest.of(HttpMethod.POST, "/x"));

    @Test
    void aTransactionRolledBackForAConflictIsUnavailableSoThatTheCallerMayRetry() {
        // A deadlock, or on Galera a certification failure, after the service's own retries.
        StatusRuntimeException answer = answer(new DataAccessException("commit", new SQLTransactionRollbackException(
                "Deadlock found when trying to get lock; try restarting transaction", "40001", 1213)));
        assertThat(answer.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(ErrorCatalog.reasonOf(answer)).contains(ErrorCode.SERVICE_UNAVAILABLE);
    }

    @Test
    void anyOtherDatabaseFailureStaysADatabaseError() {
        StatusRuntimeException answer = answer(new DataAccessException("insert", new SQLException(
                "Data too long for column", "22001", 1406)));
        assertThat(ErrorCatalog.reasonOf(answer)).contains(ErrorCode.DATABASE_ERROR);
    }

    private StatusRuntimeException answer(Throwable cause) {
        Metadata metadata = new Metadata();
        Status status = new GrpcErrors().apply(ctx, Status.UNKNOWN.withCause(cause), cause, metadata);
        return status.asRuntimeException(metadata);
    }
}
