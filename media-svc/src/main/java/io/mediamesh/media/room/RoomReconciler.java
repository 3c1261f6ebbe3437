package io.mediamesh.media.room;

import io.mediamesh.media.janus.JanusClient;
import io.mediamesh.media.janus.JanusServer;
import io.mediamesh.media.janus.MediaServers;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts back on each Janus the rooms it lost (a restarted Janus has none), without waiting for a
 * request about them: for every server holding rooms in media-svc's schema, the rooms its Janus
 * lists are compared with the stored ones, and the missing ones are re-created from their records,
 * tokens included, and stored rooms Janus lists publicly (made before rooms were private) are made
 * private. Rooms Janus has that media-svc does not know are left alone. A server that
 * cannot be reached is skipped until the next pass. Blocking: runs on a scheduler thread, never an
 * event loop.
 */
public final class RoomReconciler {
    private static final Logger logger = LoggerFactory.getLogger(RoomReconciler.class);

    private final Rooms rooms;
    private final MediaServers servers;

    public RoomReconciler(Rooms rooms, MediaServers servers) {
        this.rooms = rooms;
        this.servers = servers;
    }

    /** A first pass at once on {@code executor}, then one every {@code interval}; zero turns it off. */
    public void start(ScheduledExecutorService executor, Duration interval) {
        if (!interval.isZero()) {
            executor.scheduleWithFixedDelay(this::passLogged, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One pass over every server holding rooms; returns how many rooms were re-created. */
    public int reconcile() {
        int recreated = 0;
        for (long serverId : rooms.repository().serverIds()) {
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            recreated += reconcile(serverId);
        }
        return recreated;
    }

    private void passLogged() {
        try {
            int recreated = reconcile();
            if (recreated > 0) {
                logger.info("Reconciliation re-created {} rooms on Janus", recreated);
            }
        } catch (RuntimeException e) {
            // The next pass tries again; an escaping exception would cancel every later one.
            warnUnlessStopping("Room reconciliation failed", e);
        }
    }

    private int reconcile(long serverId) {
        JanusServer server;
        try {
            server = servers.get(serverId);
        } catch (RuntimeException e) {
            warnUnlessStopping("Rooms on server {} not reconciled: the registry does not give it ({}); retried " +
                               "next pass", serverId, e.toString());
            return 0;
        }
        JanusClient client = servers.client(server);
        int recreated = 0;
        for (RoomKind kind : RoomKind.values()) {
            Map<Long, Boolean> onJanus;
            try {
                onJanus = rooms.listOnJanus(server, client, kind);
            } catch (RuntimeException e) {
                warnUnlessStopping("Rooms on {} not reconciled: {}; retried next pass", server.server().getName(),
                                   e.getMessage());
                return recreated;
            }
            Set<Long> stored = rooms.repository().idsOnServer(serverId, kind);
            for (long id : stored) {
                if (!onJanus.containsKey(id) && recreate(server, client, kind, id)) {
                    recreated++;
                } else if (Boolean.FALSE.equals(onJanus.get(id))) {
                    hide(kind, id);
                }
            }
            if (logger.isDebugEnabled()) {
                Set<Long> unknown = new HashSet<>(onJanus.keySet());
                unknown.removeAll(stored);
                if (!unknown.isEmpty()) {
                    logger.debug("{} {} rooms on {} are not media-svc's; left alone: {}", unknown.size(),
                                 kind.dbName(), server.server().getName(), unknown);
                }
            }
        }
        return recreated;
    }

    /** Takes a stored room out of Janus's public `list`; a failure waits for the next pass. */
    private void hide(RoomKind kind, long id) {
        Optional<RoomRecord> room = rooms.repository().find(kind, id);
        if (room.isEmpty()) {
            return;
        }
        try {
            rooms.makePrivate(room.get());
            logger.info("Made {} room {} private on Janus", kind.dbName(), id);
        } catch (RuntimeException e) {
            warnUnlessStopping("Could not make {} room {} private: {}; retried next pass", kind.dbName(), id,
                               e.getMessage());
        }
    }

    private boolean recreate(JanusServer server, JanusClient client, RoomKind kind, long id) {
        // Not inside a destroy of the room, whose Janus step may be what made it look missing.
        Lock lifecycle = rooms.lifecycleLock(id);
        lifecycle.lock();
        try {
            // Read again: a room destroyed since the ids were read must not come back.
            Optional<RoomRecord> room = rooms.repository().find(kind, id);
            if (room.isEmpty()) {
                return false;
            }
            rooms.recreate(server, client, room.get());
        } catch (RuntimeException e) {
            warnUnlessStopping("Could not re-create {} room {} on {}: {}; retried next pass", kind.dbName(), id,
                               server.server().getName(), e.getMessage());
            return false;
        } finally {
            lifecycle.unlock();
        }
        logger.info("Re-created {} room {} on {}: its Janus did not have it", kind.dbName(), id,
                    server.server().getName());
        return true;
    }

    /** A failure caused by media-svc stopping (the pass is interrupted) is no news. */
    private static void warnUnlessStopping(String format, Object... args) {
        if (!Thread.currentThread().isInterrupted()) {
            logger.warn(format, args);
        }
    }
}
