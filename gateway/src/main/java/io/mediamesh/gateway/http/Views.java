package io.mediamesh.gateway.http;

import com.google.protobuf.ProtocolMessageEnum;
import com.google.protobuf.Timestamp;
import io.mediamesh.common.time.Times;
import java.util.Locale;

/** Shared pieces of the REST shapes: times in RFC 3339 (UTC), enums in lower case. */
public final class Views {
    private Views() {}

    public static String time(Timestamp timestamp) {
        return Times.fromProto(timestamp).toString();
    }

    /** ROLE_ADMIN with prefix "ROLE_" -> "admin". */
    public static String lowerEnum(ProtocolMessageEnum value, String prefix) {
        String name = value.getValueDescriptor().getName();
        return (name.startsWith(prefix) ? name.substring(prefix.length()) : name).toLowerCase(Locale.ROOT);
    }
}
