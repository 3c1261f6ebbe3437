package io.mediamesh.common.error;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.ErrorsProto;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The error catalog's transport rules, read from the options on {@link ErrorCode}'s values in
 * errors.proto so that the proto stays the single source of truth.
 */
public final class ErrorCatalog {
    /** The ErrorInfo domain of every mediamesh error. */
    public static final String DOMAIN = "mediamesh.io";
    /** ErrorInfo.metadata key: whole seconds a caller should wait before retrying (REST Retry-After). */
    public static final String RETRY_AFTER_METADATA = "retry_after_seconds";
    /**
     * The Retry-After of a SERVICE_UNAVAILABLE that did not ask for one (a service down or too
     * slow): about how long clients take to stop using a replica that died, or to see it back.
     */
    public static final String UNAVAILABLE_RETRY_AFTER_SECONDS = "2";

    private static final Map<ErrorCode, Integer> HTTP_STATUS = new EnumMap<>(ErrorCode.class);
    private static final Map<ErrorCode, Status.Code> GRPC_CODE = new EnumMap<>(ErrorCode.class);

    static {
        for (ErrorCode code : ErrorCode.values()) {
            if (code == ErrorCode.UNRECOGNIZED) {
                continue;
            }
            var options = code.getValueDescriptor().getOptions();
            HTTP_STATUS.put(code, options.getExtension(ErrorsProto.httpStatus));
            GRPC_CODE.put(code, Status.fromCodeValue(options.getExtension(ErrorsProto.grpcCode).getNumber())
                                      .getCode());
        }
    }

    private ErrorCatalog() {}

    public static int httpStatus(ErrorCode code) {
        return HTTP_STATUS.getOrDefault(code, 500);
    }

    public static Status.Code grpcCode(ErrorCode code) {
        return GRPC_CODE.getOrDefault(code, Status.Code.UNKNOWN);
    }

    /** A gRPC status exception whose details carry {@code code} as ErrorInfo.reason. */
    public static StatusRuntimeException toStatusException(ErrorCode code, String message) {
        return toStatusException(code, message, Map.of());
    }

    /**
     * As {@link #toStatusException(ErrorCode, String)}, with facts a caller needs to answer the
     * failure (e.g. a file's size, for the Content-Range of a 416) as ErrorInfo.metadata.
     */
    public static StatusRuntimeException toStatusException(ErrorCode code, String message,
                                                           Map<String, String> metadata) {
        ErrorInfo info = ErrorInfo.newBuilder().setReason(code.name()).setDomain(DOMAIN).putAllMetadata(metadata)
                                  .build();
        var status = com.google.rpc.Status.newBuilder()
                .setCode(grpcCode(code).value())
                .setMessage(message)
                .addDetails(Any.pack(info))
                .build();
        return StatusProto.toStatusRuntimeException(status);
    }

    public static StatusRuntimeException toStatusException(MediameshException e) {
        return toStatusException(e.code(), e.getMessage(), e.metadata());
    }

    /** {@link #RETRY_AFTER_METADATA} for {@code retryAfter}, rounded up to whole seconds and never 0. */
    public static Map<String, String> retryAfterMetadata(Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return Map.of(RETRY_AFTER_METADATA, Long.toString(seconds));
    }

    /**
     * The Retry-After seconds of an answer with {@code code}: what the failure asked for, else
     * {@value #UNAVAILABLE_RETRY_AFTER_SECONDS} for SERVICE_UNAVAILABLE.
     */
    public static Optional<String> retryAfter(ErrorCode code, Optional<String> asked) {
        return asked.or(() -> code == ErrorCode.SERVICE_UNAVAILABLE ? Optional.of(UNAVAILABLE_RETRY_AFTER_SECONDS)
                                                                   : Optional.empty());
    }

    /** The Retry-After seconds a failure carries in its ErrorInfo, if any. */
    public static Optional<String> retryAfterOf(Throwable t) {
        if (t instanceof MediameshException e) {
            return Optional.ofNullable(e.metadata().get(RETRY_AFTER_METADATA));
        }
        return errorInfoOf(t).map(info -> info.getMetadataMap().get(RETRY_AFTER_METADATA))
                             .filter(seconds -> seconds.matches("[0-9]{1,9}"));
    }

    /** The catalog code a gRPC failure carries in its ErrorInfo, if it carries one of ours. */
    public static Optional<ErrorCode> reasonOf(Throwable t) {
        return errorInfoOf(t).flatMap(info -> parse(info.getReason()));
    }

    /** The ErrorInfo of our domain that a gRPC failure carries, if any. */
    public static Optional<ErrorInfo> errorInfoOf(Throwable t) {
        com.google.rpc.Status status = StatusProto.fromThrowable(t);
        if (status == null) {
            return Optional.empty();
        }
        for (Any detail : status.getDetailsList()) {
            if (!detail.is(ErrorInfo.class)) {
                continue;
            }
            try {
                ErrorInfo info = detail.unpack(ErrorInfo.class);
                if (DOMAIN.equals(info.getDomain())) {
                    return Optional.of(info);
                }
            } catch (InvalidProtocolBufferException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static Optional<ErrorCode> parse(String reason) {
        try {
            return Optional.of(ErrorCode.valueOf(reason));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
