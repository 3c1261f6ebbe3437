package io.mediamesh.media.playback;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.ErrorCatalog;
import java.util.Map;
import java.util.Optional;

/**
 * The bytes of a file one answer sends: all of it (200), or the one range asked for (206), per
 * RFC 9110 section 14. The same plan serves HTTP playback and the gRPC ReadVideoFile stream.
 *
 * @param offset first byte sent
 * @param length bytes sent
 * @param partial true for a 206 (a range was asked for and honoured)
 */
public record FileSlice(long offset, long length, boolean partial) {
    /** ErrorInfo metadata key of RANGE_NOT_SATISFIABLE: the file's size, for {@code Content-Range: bytes *}{@code /LEN}. */
    public static final String SIZE_METADATA = "size";

    /**
     * Plans the answer for a file of {@code size} bytes. A stale If-Range validator ({@code rangeVoided})
     * voids whatever range came with it, even one from byte 0.
     *
     * @throws io.grpc.StatusRuntimeException RANGE_NOT_SATISFIABLE, with the size in its metadata
     */
    public static FileSlice plan(long size, Optional<ByteRange> range, boolean rangeVoided) {
        if (range.isEmpty() || rangeVoided) {
            return new FileSlice(0, size, false);
        }
        ByteRange r = range.get();
        if (r.isSuffix()) {
            if (r.suffix() == 0 || size == 0) {
                // "bytes=-0" asks for no byte at all: unsatisfiable whatever the file (RFC 9110, 14.1.1).
                throw unsatisfiable(size);
            }
            long length = Math.min(r.suffix(), size);
            return new FileSlice(size - length, length, true);
        }
        if (r.first() >= size) {
            throw unsatisfiable(size);
        }
        long available = size - r.first();
        long length = r.length() == 0 ? available : Math.min(r.length(), available);
        return new FileSlice(r.first(), length, true);
    }

    /** {@code Content-Range} of a 206. */
    public String contentRange(long size) {
        return "bytes " + offset + '-' + (offset + length - 1) + '/' + size;
    }

    private static RuntimeException unsatisfiable(long size) {
        return ErrorCatalog.toStatusException(ErrorCode.RANGE_NOT_SATISFIABLE,
                                              "No byte of the " + size + "-byte file is in the range.",
                                              Map.of(SIZE_METADATA, Long.toString(size)));
    }
}
