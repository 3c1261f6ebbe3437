package io.mediamesh.media.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediamesh.media.janus.JanusClient;
import io.mediamesh.media.janus.JanusPluginError;
import io.mediamesh.media.janus.JanusServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rooms of the VideoRoom and TextRoom plugins, typed: every request body about a room is built
 * here and every answer read here. Plugin refusals surface as {@link JanusPluginError} for
 * {@link Rooms} to map. Blocking: runs on the blocking executor or a scheduler thread.
 */
final class RoomPlugin {
    /**
     * Someone in a room as its Janus lists them: a video room's participant (by id, publishing,
     * talking) or a text room's (by username); {@code display} is empty when they gave none.
     */
    record Participant(long id, String username, Optional<String> display, boolean publisher, boolean talking) {}

    /** Whom a kick is for: a video room's participant id, or a text room's username. */
    sealed interface Occupant permits ById, ByUsername {}

    record ById(long participantId) implements Occupant {}

    record ByUsername(String username) implements Occupant {}

    /**
     * Creates the room from its record, with {@code tokens} as its allowed list (even empty, it
     * makes Janus demand a listed token to join).
     *
     * @param postUrl where a text room posts its messages
     */
    void create(JanusClient client, JanusServer server, RoomRecord room, List<String> tokens, String postUrl) {
        ObjectNode body = body(room, "create");
        body.put("description", room.description());
        body.put("admin_key", adminKey(server, room.kind()));
        // Left out of Janus's `list` for anyone without the admin key.
        body.put("is_private", true);
        if (room.kind() == RoomKind.VIDEO) {
            body.put("publishers", room.maxPublishers());
            body.put("record", room.recording());
            // A folder per room: its recordings are listed as one folder of the nginx index.
            String recDir = server.recDir();
            if (!recDir.isEmpty()) {
                body.put("rec_dir", (recDir.endsWith("/") ? recDir : recDir + '/') + room.id());
            }
        } else {
            body.put("history", room.history());
            body.put("post", postUrl);
        }
        ArrayNode allowed = body.putArray("allowed");
        tokens.forEach(allowed::add);
        client.send(room.kind().plugin(), body);
    }

    void destroy(JanusClient client, RoomRecord room) {
        client.send(room.kind().plugin(), body(room, "destroy"));
    }

    /** Adds a join token to the room's allowed list, or removes it. */
    void allow(JanusClient client, RoomRecord room, boolean add, String token) {
        ObjectNode body = body(room, "allowed");
        body.put("action", add ? "add" : "remove");
        body.putArray("allowed").add(token);
        client.send(room.kind().plugin(), body);
    }

    List<Participant> participants(JanusClient client, RoomRecord room) {
        List<Participant> participants = new ArrayList<>();
        for (JsonNode p : client.send(room.kind().plugin(), body(room, "listparticipants")).path("participants")) {
            participants.add(new Participant(p.path("id").asLong(), p.path("username").asText(""),
                                             Optional.ofNullable(p.path("display").asText(null)),
                                             p.path("publisher").asBoolean(), p.path("talking").asBoolean()));
        }
        return participants;
    }

    void kick(JanusClient client, RoomRecord room, Occupant who) {
        ObjectNode body = body(room, "kick");
        if (who instanceof ById id) {
            body.put("id", id.participantId());
        } else {
            body.put("username", ((ByUsername) who).username());
        }
        client.send(room.kind().plugin(), body);
    }

    /** Turns a video room's recording on or off. */
    void setRecording(JanusClient client, RoomRecord room, boolean on) {
        ObjectNode body = body(room, "enable_recording");
        body.put("record", on);
        client.send(room.kind().plugin(), body);
    }

    /** Posts a text room announcement from the room itself. */
    void announce(JanusClient client, RoomRecord room, String text) {
        ObjectNode body = body(room, "announcement");
        body.put("text", text);
        client.send(room.kind().plugin(), body);
    }

    /** Takes the room out of Janus's public `list`. */
    void makePrivate(JanusClient client, RoomRecord room) {
        ObjectNode body = body(room, "edit");
        body.put("new_is_private", true);
        client.send(room.kind().plugin(), body);
    }

    /**
     * The rooms of a kind Janus has, private ones included (the admin key lists them all): whether
     * each is private, by id.
     */
    Map<Long, Boolean> list(JanusClient client, JanusServer server, RoomKind kind) {
        ObjectNode list = JanusClient.body("list");
        list.put("admin_key", adminKey(server, kind));
        Map<Long, Boolean> rooms = new HashMap<>();
        for (JsonNode room : client.send(kind.plugin(), list).path("list")) {
            rooms.put(room.path("room").asLong(), room.path("is_private").asBoolean());
        }
        return rooms;
    }

    private static String adminKey(JanusServer server, RoomKind kind) {
        return kind == RoomKind.VIDEO ? server.janus().getVideoroom().getAdminKey()
                                      : server.janus().getTextroom().getAdminKey();
    }

    /** A request body about {@code room} carrying its secret. */
    private static ObjectNode body(RoomRecord room, String request) {
        ObjectNode body = JanusClient.body(request);
        body.put("room", room.id());
        body.put("secret", room.secret());
        return body;
    }
}
