package io.mediamesh.config;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

/**
 * How config-svc stores protobuf values in its tables: protobuf JSON with the proto's field names,
 * readable in the database and tolerant of fields added or removed later.
 */
public final class ProtoJson {
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private ProtoJson() {}

    public static String write(Message message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("Cannot print " + message.getDescriptorForType().getName(), e);
        }
    }

    /** Reads a stored value into {@code builder} and returns the built message. */
    @SuppressWarnings("unchecked")
    public static <T extends Message> T read(String json, Message.Builder builder) {
        try {
            PARSER.merge(json, builder);
            return (T) builder.build();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("Stored " + builder.getDescriptorForType().getName() +
                                            " does not parse: " + e.getMessage(), e);
        }
    }
}
