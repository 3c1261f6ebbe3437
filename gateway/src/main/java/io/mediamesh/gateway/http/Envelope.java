package io.mediamesh.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import io.mediamesh.api.v1.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The REST envelope: {@code {"code": "ok" | ERROR_CODE, "response": payload | message}}. Payloads
 * are records, written with snake_case field names.
 */
public final class Envelope {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private Envelope() {}

    public static HttpResponse ok(Object payload) {
        return of(HttpStatus.OK, "ok", payload);
    }

    public static HttpResponse created(Object payload) {
        return of(HttpStatus.CREATED, "ok", payload);
    }

    /** As {@link #of}, with extra headers (e.g. Set-Cookie). */
    public static HttpResponse of(ResponseHeaders headers, Object payload) {
        return HttpResponse.of(headers.toBuilder().contentType(MediaType.JSON_UTF_8).build(),
                               com.linecorp.armeria.common.HttpData.wrap(write("ok", payload)));
    }

    public static HttpResponse error(HttpStatus status, ErrorCode code, String message) {
        return of(status, code.name(), message);
    }

    public static byte[] errorBody(ErrorCode code, String message) {
        return write(code.name(), message);
    }

    /** A record as one JSON object with snake_case names, as in envelopes (for streamed lines and messages). */
    public static String json(Object payload) {
        try {
            return MAPPER.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a payload", e);
        }
    }

    private static HttpResponse of(HttpStatus status, String code, Object payload) {
        return HttpResponse.of(status, MediaType.JSON_UTF_8, write(code, payload));
    }

    private static byte[] write(String code, Object payload) {
        Map<String, Object> body = new LinkedHashMap<>(2);
        body.put("code", code);
        body.put("response", payload);
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a response payload", e);
        }
    }
}
