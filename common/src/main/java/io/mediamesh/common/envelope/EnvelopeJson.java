package io.mediamesh.common.envelope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.mediamesh.api.v1.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bytes of the REST envelope, {@code {"code": "ok" | ERROR_CODE, "response": payload | message}},
 * for every HTTP server of the mesh (the gateway, media-svc's file server). Payloads are records,
 * written with snake_case field names.
 */
public final class EnvelopeJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private EnvelopeJson() {}

    public static byte[] ok(Object payload) {
        return write("ok", payload);
    }

    public static byte[] error(ErrorCode code, String message) {
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
