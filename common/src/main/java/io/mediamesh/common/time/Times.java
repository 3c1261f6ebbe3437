package io.mediamesh.common.time;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Conversions between instants and durations, their protobuf messages, and the UTC DATETIME columns. */
public final class Times {
    private Times() {}

    public static Timestamp toProto(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    public static Instant fromProto(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    public static com.google.protobuf.Duration toProto(Duration duration) {
        return Durations.fromNanos(duration.toNanos());
    }

    public static Duration fromProto(com.google.protobuf.Duration duration) {
        return Duration.ofNanos(Durations.toNanos(duration));
    }

    public static LocalDateTime toDb(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    public static Instant fromDb(LocalDateTime dateTime) {
        return dateTime.toInstant(ZoneOffset.UTC);
    }
}
