package io.mediamesh.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import java.util.Optional;

/**
 * A request's JSON object, read strictly: anything that is not one JSON object, or a field of the
 * wrong type, is a 400 with a code naming the problem. Unknown fields are ignored so that clients
 * may send more than a route reads.
 */
public final class JsonBody {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final JsonNode root;

    private JsonBody(JsonNode root) {
        this.root = root;
    }

    public static JsonBody parse(AggregatedHttpRequest request) {
        String text = request.contentUtf8();
        if (text.isBlank()) {
            throw new MediameshException(ErrorCode.MALFORMED_BODY, "The body must be a JSON object.");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MediameshException(ErrorCode.MALFORMED_BODY,
                                         "The body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MediameshException(ErrorCode.MALFORMED_BODY, "The body must be a JSON object.");
        }
        return new JsonBody(root);
    }

    public String requiredString(String field) {
        return optionalString(field).orElseThrow(
                () -> new MediameshException(ErrorCode.MISSING_FIELD, "Field \"" + field + "\" is required."));
    }

    public Optional<String> optionalString(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw wrongType(field, "a string");
        }
        return Optional.of(node.textValue());
    }

    public long requiredLong(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new MediameshException(ErrorCode.MISSING_FIELD, "Field \"" + field + "\" is required.");
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw wrongType(field, "an integer");
        }
        return node.longValue();
    }

    public Optional<Boolean> optionalBoolean(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            throw wrongType(field, "true or false");
        }
        return Optional.of(node.booleanValue());
    }

    /** A nested JSON object, as JSON text for a parser of its own (e.g. protobuf's JsonFormat). */
    public Optional<String> optionalObject(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw wrongType(field, "an object");
        }
        return Optional.of(node.toString());
    }

    private static MediameshException wrongType(String field, String expected) {
        return new MediameshException(ErrorCode.INVALID_FIELD_TYPE, "Field \"" + field + "\" must be " + expected + '.');
    }
}
