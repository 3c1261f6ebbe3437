package io.mediamesh.gateway.http;

import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.encoding.EncodingService;
import java.util.function.Function;
import java.util.function.Predicate;

/** Compression of what the public port serves as files: the web site and the API's description. */
public final class Compression {
    /**
     * Armeria's default list names JavaScript only with a charset parameter, which the file service
     * does not send; so: any text, scripts, JSON and SVG.
     */
    private static final Predicate<MediaType> COMPRESSIBLE =
            type -> type.is(MediaType.ANY_TEXT_TYPE) || type.subtype().contains("javascript") ||
                    type.subtype().endsWith("json") || type.subtype().endsWith("+xml");

    private Compression() {}

    /** gzip (or brotli, deflate) for a client that accepts it, for the types above. */
    public static Function<? super HttpService, EncodingService> decorator() {
        return EncodingService.builder().encodableContentTypes(COMPRESSIBLE).newDecorator();
    }
}
