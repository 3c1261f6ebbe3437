package io.mediamesh.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.ErrorsProto;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ErrorCatalogTest {
    @Test
    void everyCodeDeclaresItsHttpStatusAndGrpcCode() {
        Arrays.stream(ErrorCode.values()).filter(code -> code != ErrorCode.UNRECOGNIZED).forEach(code -> {
            var options = code.getValueDescriptor().getOptions();
            assertThat(options.hasExtension(ErrorsProto.httpStatus)).as(code.name()).isTrue();
            assertThat(options.hasExtension(ErrorsProto.grpcCode)).as(code.name()).isTrue();
            assertThat(ErrorCatalog.httpStatus(code)).as(code.name()).isBetween(400, 599);
        });
    }

    @Test
    void theOriginalSystemsCodesExistWithTheirNames() {
        assertThat(Arrays.stream(ErrorCode.values()).map(Enum::name))
                .contains("FAILED_CREATE_NEW_SESSION_HANDLE", "FAILED_GET_SESSION_HANDLE", "FAILED_STREAMING_CREATE",
                          "FAILED_STREAMING_FORWARD", "FAILED_STREAMING_FORWARD_STOP",
                          "FAILED_GET_STREAMING_CONFIGURE", "FAILED_STREAMING_WATCH", "FAILED_STREAMING_START",
                          "FAILED_STREAMING_STOP");
    }

    @Test
    void aCodeTravelsAsErrorInfoReason() {
        var e = ErrorCatalog.toStatusException(ErrorCode.VIDEO_NOT_FOUND, "No video 5.");
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).isEqualTo("No video 5.");
        assertThat(ErrorCatalog.reasonOf(e)).contains(ErrorCode.VIDEO_NOT_FOUND);
        assertThat(ErrorCatalog.httpStatus(ErrorCode.USER_ALREADY_EXISTS)).isEqualTo(400);
        assertThat(ErrorCatalog.reasonOf(Status.INTERNAL.asRuntimeException())).isEmpty();
    }
}
