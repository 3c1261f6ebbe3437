package io.mediamesh.common.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.ErrorsProto;
import io.mediamesh.common.quota.Quota;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
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

    @Test
    void aQuotaFailureNamesTheQuotaAndItsLimit() {
        var e = ErrorCatalog.toStatusException(Quota.ROOMS.exceeded(3));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(e.getStatus().getDescription()).isEqualTo("quota exceeded: rooms (limit 3)");
        assertThat(ErrorCatalog.reasonOf(e)).contains(ErrorCode.QUOTA_EXCEEDED);
        assertThat(ErrorCatalog.httpStatus(ErrorCode.QUOTA_EXCEEDED)).isEqualTo(403);
        assertThat(ErrorCatalog.errorInfoOf(e).orElseThrow().getMetadataMap())
                .containsEntry(Quota.QUOTA_METADATA, "rooms").containsEntry(Quota.LIMIT_METADATA, "3");
        Quota.VIDEOS.requireRoomForOne(1, 2);
        assertThatThrownBy(() -> Quota.VIDEOS.requireRoomForOne(2, 2)).isInstanceOf(MediameshException.class)
                .hasMessage("quota exceeded: videos (limit 2)");
    }

    @Test
    void whenToRetryTravelsInWholeSecondsNeverZero() {
        var e = ErrorCatalog.toStatusException(MediameshException.retryLater(ErrorCode.TOO_MANY_REQUESTS, "Later.",
                                                                             Duration.ofMillis(1500)));
        assertThat(ErrorCatalog.reasonOf(e)).contains(ErrorCode.TOO_MANY_REQUESTS);
        assertThat(ErrorCatalog.retryAfterOf(e)).contains("2");
        assertThat(ErrorCatalog.retryAfterOf(MediameshException.retryLater(ErrorCode.SERVICE_UNAVAILABLE, "Later.",
                                                                          Duration.ofMillis(10)))).contains("1");
        assertThat(ErrorCatalog.retryAfterOf(ErrorCatalog.toStatusException(ErrorCode.VIDEO_NOT_FOUND, "No."))).isEmpty();
        // Only a number of seconds ever becomes a header.
        assertThat(ErrorCatalog.retryAfterOf(ErrorCatalog.toStatusException(
                ErrorCode.TOO_MANY_REQUESTS, "Later.", Map.of(ErrorCatalog.RETRY_AFTER_METADATA, "1\r\nX: y"))))
                .isEmpty();
    }

    @Test
    void anUnavailableServiceThatNamesNoRetryAfterGetsTheDefaultAndOtherCodesNone() {
        assertThat(ErrorCatalog.retryAfter(ErrorCode.SERVICE_UNAVAILABLE, Optional.empty()))
                .contains(ErrorCatalog.UNAVAILABLE_RETRY_AFTER_SECONDS);
        assertThat(ErrorCatalog.retryAfter(ErrorCode.SERVICE_UNAVAILABLE, Optional.of("7"))).contains("7");
        assertThat(ErrorCatalog.retryAfter(ErrorCode.TOO_MANY_REQUESTS, Optional.of("1"))).contains("1");
        assertThat(ErrorCatalog.retryAfter(ErrorCode.INTERNAL_ERROR, Optional.empty())).isEmpty();
    }
}
