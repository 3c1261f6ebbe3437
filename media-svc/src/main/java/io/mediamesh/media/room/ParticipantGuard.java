package io.mediamesh.media.room;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediamesh.media.janus.JanusClient;
import java.util.Optional;

/**
 * Holds participants to what their join token was issued for. Janus checks only that a join's
 * token is in the room's allowed list, not who uses it: its plugin events (posted by its HTTP
 * event handler to {@link JanusEventsBackend}) are checked here, and a participant whose id,
 * username or display name is not the one bound to the token is kicked at once. Events of rooms
 * media-svc does not keep (stream rooms, others' rooms) are ignored. Runs on the blocking executor.
 */
public final class ParticipantGuard {
    // Janus's event type of plugin events (janus_events.h JANUS_EVENT_TYPE_PLUGIN).
    private static final int PLUGIN_EVENT = 64;

    private final Rooms rooms;

    public ParticipantGuard(Rooms rooms) {
        this.rooms = rooms;
    }

    /** One event as Janus's event handlers get it: {type, event: {plugin, data}}. */
    void check(JsonNode event) {
        if (event.path("type").asInt() != PLUGIN_EVENT) {
            return;
        }
        JsonNode data = event.path("event").path("data");
        String plugin = event.path("event").path("plugin").asText();
        String what = data.path("event").asText();
        long roomId = data.path("room").asLong();
        if (JanusClient.VIDEOROOM.equals(plugin) && ("joined".equals(what) || "configured".equals(what))) {
            rooms.repository().find(RoomKind.VIDEO, roomId).ifPresent(room -> {
                if ("joined".equals(what)) {
                    checkVideoJoin(room, data);
                } else {
                    checkVideoDisplay(room, data.path("id").asLong());
                }
            });
        } else if (JanusClient.TEXTROOM.equals(plugin) && "join".equals(what)) {
            rooms.repository().find(RoomKind.TEXT, roomId).ifPresent(room -> checkTextJoin(room, data));
        }
    }

    /** The `joined` event names the token used (the room has an allowed list): it must be this id's and display's. */
    private void checkVideoJoin(RoomRecord room, JsonNode data) {
        long id = data.path("id").asLong();
        String display = data.path("display").asText(null);
        Optional<RoomToken> token = rooms.repository().tokenByToken(room.id(), data.path("token").asText(""));
        if (token.isEmpty()) {
            kickVideo(room, id, "participant " + id + " joined with a token no longer issued");
        } else if (token.get().participantId() != id || !token.get().display().equals(display)) {
            kickVideo(room, id, "participant " + id + " (display " + quoted(display) + ") joined with the token of " +
                                "participant " + token.get().participantId() + " (user " + token.get().userName() +
                                ", display " + quoted(token.get().display()) + ')');
        }
    }

    /** A `configured` event may have changed the display name; Janus's event does not say, its list does. */
    private void checkVideoDisplay(RoomRecord room, long id) {
        Optional<RoomToken> token = rooms.repository().tokenByParticipant(room.id(), id);
        for (RoomPlugin.Participant participant : rooms.participantsOnJanus(room)) {
            if (participant.id() == id) {
                String display = participant.display().orElse(null);
                if (token.isEmpty() || !token.get().display().equals(display)) {
                    kickVideo(room, id, "participant " + id + " changed its display name to " + quoted(display));
                }
            }
        }
    }

    /** Janus's text room `join` event carries no token: the username must be one issued, with its display. */
    private void checkTextJoin(RoomRecord room, JsonNode data) {
        String username = data.path("username").asText("");
        String display = data.path("display").asText(null);
        Optional<RoomToken> token = rooms.repository().tokenByUsername(room.id(), username);
        if (token.isEmpty() || !token.get().display().equals(display)) {
            rooms.kickImpostor(room, new RoomPlugin.ByUsername(username), "username " + quoted(username) + " (display " + quoted(display) +
                                           ") is not one issued with that display name");
        }
    }

    private void kickVideo(RoomRecord room, long id, String why) {
        rooms.kickImpostor(room, new RoomPlugin.ById(id), why);
    }

    private static String quoted(String text) {
        return text == null ? "none" : '"' + text + '"';
    }
}
