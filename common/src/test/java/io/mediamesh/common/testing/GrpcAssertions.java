package io.mediamesh.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.ErrorCatalog;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserts on mediamesh errors as a gRPC client sees them. */
public final class GrpcAssertions {
    private GrpcAssertions() {}

    /** The call fails with {@code code} as ErrorInfo.reason; returns the status description. */
    public static String assertFails(ErrorCode code, ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).as("a call expected to fail with %s", code).isInstanceOf(StatusRuntimeException.class);
        assertThat(ErrorCatalog.reasonOf(thrown)).as("reason of %s", thrown).contains(code);
        String description = ((StatusRuntimeException) thrown).getStatus().getDescription();
        return description == null ? "" : description;
    }
}
