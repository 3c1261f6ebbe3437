package io.mediamesh.media.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.TextRoomEventType;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.validation.Text;
import io.micrometer.core.instrument.Counter;
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
import java.util.Map;
import java.util.Optional;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP backend Janus's text rooms post every message and announcement to ({@code post} at room
 * creation). The URL carries the room's post token, so only that room's Janus can write to it; a
 * message is stored only while the room records.
 *
 * <p>Every field is checked against what the transcript can hold: a post that does not fit is a
 * 400 naming the field, never a 500. Janus does not post again, so a message that is not stored
 * (refused, or the database failing: 503) is never lost silently: it is logged and counted in
 * {@value #DROPPED_METRIC} by reason.
 */
public final class TextRoomPostBackend {
    public static final String PATH_PREFIX = "/janus/textroom/";
    /** Posts refused or not stored, tagged {@code reason}: invalid, unknown_room, database. */
    public static final String DROPPED_METRIC = "mediamesh.media.textroom.posts.dropped";
    /** Longest message text kept: what the transcript's TEXT column holds in 4-byte characters. */
    public static final int MAX_TEXT_LENGTH = 16_000;
    /** Room usernames (media-svc issues 17 characters). */
    public static final int MAX_USERNAME_LENGTH = 64;
    /** All whisper recipients together, comma-separated (the transcript's recipients column). */
    public static final int MAX_RECIPIENTS_LENGTH = 2000;
    private static final Logger logger = LoggerFactory.getLogger(TextRoomPostBackend.class);
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
    public HttpResponse post(ServiceRequestContext ctx, @Param("room") long roomId, @Param("token") String token,
                             AggregatedHttpRequest request) {
        Optional<RoomRecord> room;
        try {
            room = rooms.find(RoomKind.TEXT, roomId);
        } catch (DataAccessException e) {
            logger.warn("Text room {}: reading the room failed", roomId, e);
            return dropped(ctx, roomId, "database", ErrorCode.SERVICE_UNAVAILABLE, "The message cannot be stored now.");
        }
        if (room.isEmpty() || !MessageDigest.isEqual(room.get().postToken().getBytes(StandardCharsets.UTF_8),
                                                     token.getBytes(StandardCharsets.UTF_8))) {
            return dropped(ctx, roomId, "unknown_room", ErrorCode.ROOM_NOT_FOUND, "No such room or post token.");
        }
        Event event;
        try {
            event = parse(roomId, request.contentUtf8());
        } catch (MediameshException e) {
            return dropped(ctx, roomId, "invalid", e.code(), e.getMessage());
        }
        try {
            rooms.recordIfRecording(roomId, event.type(), event.sender(), event.recipients(), event.text(),
                                    event.sentAt(), clock.instant());
        } catch (DataAccessException e) {
            logger.warn("Text room {}: storing a message failed", roomId, e);
            return dropped(ctx, roomId, "database", ErrorCode.SERVICE_UNAVAILABLE, "The message cannot be stored now.");
        }
        return HttpResponse.of(HttpStatus.OK);
    }

    /** One post, checked field by field. */
    private record Event(TextRoomEventType type, String sender, List<String> recipients, String text,
                         Instant sentAt) {}

    private Event parse(long roomId, String content) {
        JsonNode event;
        try {
            event = MAPPER.readTree(content);
        } catch (IOException e) {
            throw invalid("The body is not JSON.");
        }
        if (event == null || !event.isObject()) {
            throw invalid("The body is not a JSON object.");
        }
        if (!event.path("room").canConvertToLong() || event.path("room").asLong() != roomId) {
            throw invalid("room must be " + roomId + '.');
        }
        String kind = string(event, "textroom");
        if (!kind.equals("message") && !kind.equals("announcement")) {
            throw invalid("textroom must be message or announcement.");
        }
        boolean announcement = kind.equals("announcement");
        String sender = announcement ? "" : Text.check(string(event, "from"), "from", 1, MAX_USERNAME_LENGTH, false,
                                                       ErrorCode.INVALID_REQUEST);
        List<String> recipients = new ArrayList<>();
        if (event.has("to")) {
            recipients.add(recipient(event.get("to"), "to"));
        }
        if (event.has("tos")) {
            if (!event.get("tos").isArray()) {
                throw invalid("tos must be an array of usernames.");
            }
            event.get("tos").forEach(to -> recipients.add(recipient(to, "tos")));
        }
        if (String.join(",", recipients).length() > MAX_RECIPIENTS_LENGTH) {
            throw invalid("The recipients take more than " + MAX_RECIPIENTS_LENGTH + " characters.");
        }
        String text = Text.check(string(event, "text"), "text", 0, MAX_TEXT_LENGTH, true, ErrorCode.INVALID_REQUEST);
        Instant now = clock.instant();
        return new Event(announcement ? TextRoomEventType.TEXT_ROOM_EVENT_TYPE_ANNOUNCEMENT
                                      : TextRoomEventType.TEXT_ROOM_EVENT_TYPE_MESSAGE,
                         sender, recipients, text, event.has("date") ? date(string(event, "date"), now) : now);
    }

    private static String recipient(JsonNode value, String field) {
        if (!value.isTextual()) {
            throw invalid(field + " must hold usernames.");
        }
        return Text.check(value.asText(), field, 1, MAX_USERNAME_LENGTH, false, ErrorCode.INVALID_REQUEST);
    }

    private static String string(JsonNode event, String field) {
        JsonNode value = event.path(field);
        if (!value.isTextual()) {
            throw invalid(field + " must be a string.");
        }
        return value.asText();
    }

    private static MediameshException invalid(String message) {
        return new MediameshException(ErrorCode.INVALID_REQUEST, message);
    }

    private static HttpResponse dropped(ServiceRequestContext ctx, long roomId, String reason, ErrorCode code,
                                        String message) {
        Counter.builder(DROPPED_METRIC).tag("reason", reason)
               .description("Text room posts from Janus refused or not stored")
               .register(ctx.meterRegistry()).increment();
        logger.warn("Text room {}: a post was not stored ({}): {}", roomId, reason, message);
        return HttpResponse.ofJson(HttpStatus.valueOf(ErrorCatalog.httpStatus(code)),
                                   Map.of("code", code.name(), "response", message));
    }

    private static Instant date(String text, Instant fallback) {
        try {
            return OffsetDateTime.parse(text, JANUS_DATE).toInstant();
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }
}
