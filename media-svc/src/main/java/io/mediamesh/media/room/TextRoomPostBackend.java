package io.mediamesh.media.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.mediamesh.api.v1.TextRoomEventType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP backend Janus's text rooms post every message and announcement to ({@code post} at room
 * creation). The URL carries the room's post token, so only that room's Janus can write to it; a
 * message is stored only while the room records.
 */
public final class TextRoomPostBackend {
    public static final String PATH_PREFIX = "/janus/textroom/";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    // Janus writes dates as strftime("%FT%T%z"), e.g. 2024-05-01T10:00:00+0000.
    private static final DateTimeFormatter JANUS_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ");

    private final RoomRepository rooms;
    private final Clock clock;

    public TextRoomPostBackend(RoomRepository rooms, Clock clock) {
        this.rooms = rooms;
        this.clock = clock;
    }

    @Post("/janus/textroom/{room}/{token}")
    @Blocking
    public HttpResponse post(@Param("room") long roomId, @Param("token") String token, AggregatedHttpRequest request) {
        var room = rooms.find(RoomKind.TEXT, roomId);
        if (room.isEmpty() || !MessageDigest.isEqual(room.get().postToken().getBytes(StandardCharsets.UTF_8),
                                                     token.getBytes(StandardCharsets.UTF_8))) {
            return HttpResponse.of(HttpStatus.NOT_FOUND);
        }
        JsonNode event;
        try {
            event = MAPPER.readTree(request.contentUtf8());
        } catch (IOException e) {
            return HttpResponse.of(HttpStatus.BAD_REQUEST);
        }
        if (event == null || !event.isObject() || event.path("room").asLong() != roomId) {
            return HttpResponse.of(HttpStatus.BAD_REQUEST);
        }
        boolean announcement = "announcement".equals(event.path("textroom").asText());
        List<String> recipients = new ArrayList<>();
        if (event.hasNonNull("to")) {
            recipients.add(event.path("to").asText());
        }
        event.path("tos").forEach(to -> recipients.add(to.asText()));
        Instant now = clock.instant();
        rooms.recordIfRecording(roomId, announcement ? TextRoomEventType.TEXT_ROOM_EVENT_TYPE_ANNOUNCEMENT
                                                     : TextRoomEventType.TEXT_ROOM_EVENT_TYPE_MESSAGE,
                                announcement ? "" : event.path("from").asText(""), recipients,
                                event.path("text").asText(""), date(event.path("date").asText(""), now), now);
        return HttpResponse.of(HttpStatus.OK);
    }

    private static Instant date(String text, Instant fallback) {
        try {
            return OffsetDateTime.parse(text, JANUS_DATE).toInstant();
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }
}
