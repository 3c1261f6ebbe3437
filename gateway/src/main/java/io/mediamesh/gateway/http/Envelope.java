package io.mediamesh.gateway.http;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.envelope.EnvelopeJson;

/**
 * The REST envelope: {@code {"code": "ok" | ERROR_CODE, "response": payload | message}}. Payloads
 * are records, written with snake_case field names.
 */
public final class Envelope {
    private Envelope() {}

    public static HttpResponse ok(Object payload) {
        return json(HttpStatus.OK, EnvelopeJson.ok(payload));
    }

    /** The bytes of {@link #ok}'s body, for a caller that keeps them (see {@link #okJson}). */
    public static byte[] okBytes(Object payload) {
        return EnvelopeJson.ok(payload);
    }

    /** A 200 with a body {@link #okBytes} wrote. */
    public static HttpResponse okJson(byte[] envelope) {
        return json(HttpStatus.OK, envelope);
    }

    public static HttpResponse created(Object payload) {
        return json(HttpStatus.CREATED, EnvelopeJson.ok(payload));
    }

    /** As {@link #of}, with extra headers (e.g. Set-Cookie). */
    public static HttpResponse of(ResponseHeaders headers, Object payload) {
        return HttpResponse.of(headers.toBuilder().contentType(MediaType.JSON_UTF_8).build(),
                               com.linecorp.armeria.common.HttpData.wrap(EnvelopeJson.ok(payload)));
    }

    public static HttpResponse error(HttpStatus status, ErrorCode code, String message) {
        return json(status, EnvelopeJson.error(code, message));
    }

    public static byte[] errorBody(ErrorCode code, String message) {
        return EnvelopeJson.error(code, message);
    }

    /** A record as one JSON object with snake_case names, as in envelopes (for streamed lines and messages). */
    public static String json(Object payload) {
        return EnvelopeJson.json(payload);
    }

    private static HttpResponse json(HttpStatus status, byte[] body) {
        return HttpResponse.of(status, MediaType.JSON_UTF_8, body);
    }
}
