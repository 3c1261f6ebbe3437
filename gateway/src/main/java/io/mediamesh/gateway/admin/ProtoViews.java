package io.mediamesh.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;

/**
 * Structured protos in REST bodies (config documents, server overrides): protobuf's JSON mapping
 * with the proto's snake_case field names. Responses print every field, zeros and empty strings
 * included, so that a client sees all it may set; requests are read strictly, so a misspelt field
 * is a 400 rather than silently dropped.
 */
final class ProtoViews {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().alwaysPrintFieldsWithNoPresence();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private ProtoViews() {}

    static JsonNode toJson(MessageOrBuilder message) {
        try {
            return MAPPER.readTree(PRINTER.print(message));
        } catch (InvalidProtocolBufferException | JsonProcessingException e) {
            throw new IllegalStateException("Cannot print " + message.getDescriptorForType().getName(), e);
        }
    }

    /** Reads the JSON object {@code json} of field {@code field} into {@code builder}; MALFORMED_BODY if it does not fit. */
    static <B extends Message.Builder> B parse(String json, B builder, String field) {
        try {
            PARSER.merge(json, builder);
            return builder;
        } catch (InvalidProtocolBufferException e) {
            throw new MediameshException(ErrorCode.MALFORMED_BODY, "Field \"" + field + "\" is not a valid " +
                                                                   builder.getDescriptorForType().getName() +
                                                                   ": " + e.getMessage());
        }
    }
}
