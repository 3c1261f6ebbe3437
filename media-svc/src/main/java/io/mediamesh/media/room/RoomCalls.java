package io.mediamesh.media.room;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.media.janus.JanusClient;
import io.mediamesh.media.janus.JanusPluginError;
import io.mediamesh.media.janus.JanusServer;
import io.mediamesh.media.janus.MediaServers;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests about stored rooms to their Janus through {@link RoomPlugin}, with the records as the
 * truth: a room Janus no longer has (it restarted) is re-created there from its record, tokens
 * included, before the request is made again; plugin refusals become catalog codes. Blocking.
 */
final class RoomCalls {
    private static final Logger logger = LoggerFactory.getLogger(RoomCalls.class);

    private final RoomRepository repository;
    private final MediaServers servers;
    private final RoomPlugin plugin;
    private final String postBaseUrl;
    /**
     * Destroying a room (Janus, then the database) and re-creating it on a Janus that lost it (by a
     * request about it, or by the reconciler) each hold the room's stripe and re-read its record
     * first, so neither runs inside the other: otherwise a re-creation between the two steps of a
     * destroy would bring the room back on Janus with no record of it.
     */
    private final Lock[] lifecycleStripes = IntStream.range(0, 64).mapToObj(i -> new ReentrantLock())
                                                     .toArray(Lock[]::new);

    RoomCalls(RoomRepository repository, MediaServers servers, RoomPlugin plugin, String postBaseUrl) {
        this.repository = repository;
        this.servers = servers;
        this.plugin = plugin;
        this.postBaseUrl = postBaseUrl;
    }

    /** As {@link #call}, for a request whose answer says nothing but success. */
    void send(RoomRecord room, Map<Integer, ErrorCode> specific, Consumer<JanusClient> request) {
        call(room, specific, client -> {
            request.accept(client);
            return null;
        });
    }

    /** The URL Janus posts a text room's messages to. */
    String postUrl(RoomRecord room) {
        return postBaseUrl + TextRoomPostBackend.PATH_PREFIX + room.id() + '/' + room.postToken();
    }

    /**
     * Makes a request about a stored room to its Janus. A room Janus does not know is re-created
     * from its record once, then the request is made again. Plugin errors become catalog codes:
     * {@code specific} ones as given, the others FAILED_ROOM_REQUEST.
     */
    <T> T call(RoomRecord room, Map<Integer, ErrorCode> specific, Function<JanusClient, T> request) {
        JanusServer server = servers.get(room.serverId());
        JanusClient client = servers.client(server);
        try {
            return request.apply(client);
        } catch (JanusPluginError e) {
            if (e.code() != room.kind().noSuchRoom()) {
                throw mapped(room, e, specific);
            }
        }
        Lock lifecycle = lifecycleLock(room.id());
        lifecycle.lock();
        try {
            if (repository.find(room.kind(), room.id()).isEmpty()) {
                throw new MediameshException(ErrorCode.ROOM_NOT_FOUND,
                                             "No " + room.kind().dbName() + " room " + room.id() + '.');
            }
            logger.info("{} room {} is missing on {}; re-creating it", room.kind().dbName(), room.id(),
                        server.server().getName());
            recreate(server, client, room);
        } finally {
            lifecycle.unlock();
        }
        try {
            return request.apply(client);
        } catch (JanusPluginError e) {
            throw mapped(room, e, specific);
        }
    }

    /** The lock that a room's destroy and every re-creation of it hold. */
    Lock lifecycleLock(long roomId) {
        return lifecycleStripes[(int) Math.floorMod(roomId, (long) lifecycleStripes.length)];
    }

    /** Creates a stored room again on its Janus from its record, tokens included (one Janus has is kept). */
    void recreate(JanusServer server, JanusClient client, RoomRecord room) {
        createOnJanus(server, client, room, repository.tokens(room.id()).stream().map(RoomToken::token).toList());
    }

    /** Creates the room on Janus; one Janus has already is kept. */
    void createOnJanus(JanusServer server, JanusClient client, RoomRecord room, List<String> tokens) {
        try {
            plugin.create(client, server, room, tokens, postUrl(room));
        } catch (JanusPluginError e) {
            if (e.code() != room.kind().roomExists()) {
                throw mapped(room, e, Map.of());
            }
        }
    }

    void destroyOnJanusOrFail(JanusClient client, RoomRecord room) {
        try {
            plugin.destroy(client, room);
        } catch (JanusPluginError e) {
            // Already gone there (a restarted Janus): forgetting it here is all that is left.
            if (e.code() != room.kind().noSuchRoom()) {
                throw mapped(room, e, Map.of());
            }
        }
    }

    /** Destroys a room on Janus that is not (or no longer) stored; a failure is only logged. */
    void destroyOnJanus(JanusClient client, RoomRecord room) {
        try {
            destroyOnJanusOrFail(client, room);
        } catch (RuntimeException e) {
            logger.warn("Could not destroy unstored {} room {} on Janus", room.kind().dbName(), room.id(), e);
        }
    }

    private static MediameshException mapped(RoomRecord room, JanusPluginError e, Map<Integer, ErrorCode> specific) {
        ErrorCode code = specific.getOrDefault(e.code(), ErrorCode.FAILED_ROOM_REQUEST);
        return new MediameshException(code, "Room " + room.id() + ": " + e.getMessage());
    }
}
