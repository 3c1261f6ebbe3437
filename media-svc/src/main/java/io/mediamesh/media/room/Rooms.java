package io.mediamesh.media.room;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.quota.Quota;
import io.mediamesh.common.validation.Text;
import io.mediamesh.media.janus.JanusClient;
import io.mediamesh.media.janus.JanusIds;
import io.mediamesh.media.janus.JanusPluginError;
import io.mediamesh.media.janus.JanusServer;
import io.mediamesh.media.janus.MediaServers;
import io.mediamesh.media.quota.MediaQuotas;
import io.mediamesh.media.room.RoomPlugin.ById;
import io.mediamesh.media.room.RoomPlugin.ByUsername;
import io.mediamesh.media.room.RoomPlugin.Occupant;
import io.mediamesh.media.room.RoomPlugin.Participant;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rooms of both kinds on Janus, with the stored records as the truth: a room Janus no longer has
 * (it restarted) is re-created there from its record, tokens included, before the request is
 * sent again ({@link RoomReconciler} does the same without waiting for a request). Runs on the
 * blocking executor.
 */
public final class Rooms {
    public static final int MAX_DESCRIPTION_LENGTH = 200;
    public static final int MAX_DISPLAY_LENGTH = 64;
    private static final Logger logger = LoggerFactory.getLogger(Rooms.class);

    private final RoomRepository repository;
    private final MediaServers servers;
    private final Callers callers;
    private final Clock clock;
    private final String postBaseUrl;
    private final ToLongFunction<Long> serverLoad;
    private final MediaQuotas quotas;
    private final Runnable recordingEnded;
    private final JanusIds ids = new JanusIds();
    private final RoomPlugin plugin = new RoomPlugin();
    /**
     * Destroying a room (Janus, then the database) and the reconciler re-creating it (read, Janus,
     * read again) each hold the room's stripe, so neither runs inside the other: otherwise a pass
     * between the two steps of a destroy could bring the room back on Janus with no record of it.
     */
    private final Lock[] lifecycleStripes = IntStream.range(0, 64).mapToObj(i -> new ReentrantLock())
                                                     .toArray(Lock[]::new);

    /**
     * @param serverLoad what media-svc keeps on a server (rooms and stream tiers), for server choice
     * @param recordingEnded told once a video room's ended recording was queued for conversion
     */
    public Rooms(RoomRepository repository, MediaServers servers, Callers callers, Clock clock, String postBaseUrl,
                 ToLongFunction<Long> serverLoad, MediaQuotas quotas, Runnable recordingEnded) {
        this.repository = repository;
        this.recordingEnded = recordingEnded;
        this.quotas = quotas;
        this.serverLoad = serverLoad;
        this.servers = servers;
        this.callers = callers;
        this.clock = clock;
        this.postBaseUrl = postBaseUrl;
    }

    RoomRepository repository() {
        return repository;
    }

    /** How many rooms of either kind {@code ownerId} holds (against their quota). */
    public long countOwnedBy(long ownerId) {
        return repository.countOwnedBy(ownerId);
    }

    /** A page of the rooms of a kind: the caller's own only, or all. */
    public Page.Result<RoomRecord> page(RoomKind kind, Principal caller, boolean ownedOnly, Page page) {
        return repository.page(kind, ownedOnly ? Optional.of(caller.getUserId()) : Optional.empty(), page);
    }

    /** Someone in a room now, with the token media-svc issued them if it did (their user). */
    public record Present(Participant participant, Optional<RoomToken> token) {}

    /** Who is in the room now, as its Janus lists them. */
    List<Participant> participantsOnJanus(RoomRecord room) {
        return call(room, Map.of(), client -> plugin.participants(client, room));
    }

    /** Who is in the room now, as its Janus lists them, each with the user their token names. */
    public List<Present> participants(RoomRecord room) {
        return participantsOnJanus(room).stream()
                .map(p -> new Present(p, room.kind() == RoomKind.VIDEO
                                         ? repository.tokenByParticipant(room.id(), p.id())
                                         : repository.tokenByUsername(room.id(), p.username())))
                .toList();
    }

    /**
     * Creates a room on the least loaded usable server, then stores it; refused (QUOTA_EXCEEDED)
     * before anything is made on a Janus when the owner's rooms are at their limit.
     */
    public RoomRecord create(RoomKind kind, Principal owner, String description, int maxPublishers, int history,
                             boolean record) {
        Text.check(description, "description", 0, MAX_DESCRIPTION_LENGTH, false, ErrorCode.INVALID_DESCRIPTION);
        quotas.requireRoomForOne(Quota.ROOMS, owner, () -> repository.countOwnedBy(owner.getUserId()));
        // Rooms are not part of the ORIGIN -> RELAY -> EDGE fan-out: any role may hold them.
        JanusServer server = servers.leastLoaded(MediaServerRole.MEDIA_SERVER_ROLE_UNSPECIFIED,
                                                 serverLoad);
        RoomRecord room = new RoomRecord(ids.nextId(), kind, description, maxPublishers, history, record,
                                         ids.nextSecret(), kind == RoomKind.TEXT ? ids.nextSecret() : "",
                                         owner.getUserId(),
                                         owner.getUserName(), server.id(), server.server().getName(),
                                         server.publicUrl(), clock.instant());
        JanusClient client = servers.client(server);
        createOnJanus(server, client, room, List.of());
        try {
            repository.insert(room);
        } catch (RuntimeException e) {
            destroyOnJanus(client, room);
            throw e;
        }
        logger.info("{} created {} room {} on {}", owner.getUserName(), kind.dbName(), room.id(),
                    server.server().getName());
        return room;
    }

    /** A stored room, after checking there is a caller (401 before 404). */
    public RoomRecord find(RoomKind kind, long roomId) {
        callers.require();
        Text.checkId(roomId, "room_id");
        return repository.find(kind, roomId).orElseThrow(
                () -> new MediameshException(ErrorCode.ROOM_NOT_FOUND, "No " + kind.dbName() + " room " + roomId + '.'));
    }

    /** As {@link #find}, for the room's owner or an admin only. */
    public RoomRecord findAsOwner(RoomKind kind, long roomId) {
        RoomRecord room = find(kind, roomId);
        callers.requireSelfOrAdmin(room.ownerId());
        return room;
    }

    /** Destroys the room; a video room's recording that this ends is queued for conversion. */
    /** A video room whose recordings may be listed: stored, or destroyed after recording. */
    public record RecordedRoom(long roomId, long ownerId, long serverId) {}

    /**
     * The video room whose recordings the caller, its owner or an admin, lists: a stored one, or
     * one destroyed after recording (its files stay on the server, and their conversion is told).
     */
    public RecordedRoom findRecordedAsOwner(long roomId) {
        callers.require();
        Text.checkId(roomId, "room_id");
        RecordedRoom room = repository.find(RoomKind.VIDEO, roomId)
                .map(stored -> new RecordedRoom(stored.id(), stored.ownerId(), stored.serverId()))
                .or(() -> repository.destroyedAfterRecording(roomId))
                .orElseThrow(() -> new MediameshException(ErrorCode.ROOM_NOT_FOUND, "No video room " + roomId + '.'));
        callers.requireSelfOrAdmin(room.ownerId());
        return room;
    }

    public void destroy(RoomRecord room) {
        JanusServer server = servers.get(room.serverId());
        boolean recordingEnds;
        Lock lifecycle = lifecycleLock(room.id());
        lifecycle.lock();
        try {
            destroyOnJanusOrFail(servers.client(server), room);
            // After Janus closed the files: the recording's end is taken once they are complete.
            recordingEnds = repository.delete(room.id(), clock.instant()) && room.recording();
        } finally {
            lifecycle.unlock();
        }
        if (recordingEnds) {
            recordingEnded.run();
        }
        logger.info("Destroyed {} room {}", room.kind().dbName(), room.id());
    }

    /** The lock that a room's destroy and its re-creation by the reconciler share. */
    Lock lifecycleLock(long roomId) {
        return lifecycleStripes[(int) Math.floorMod(roomId, (long) lifecycleStripes.length)];
    }

    /**
     * Turns a video room's recording on or off on Janus. Its start is taken before Janus starts
     * files and its end after Janus closed them, so the window holds every file of it; the
     * recording that turning off ends is queued for conversion.
     */
    public RoomRecord setVideoRecording(RoomRecord room, boolean on) {
        Instant before = clock.instant();
        call(room, Map.of(), client -> {
            plugin.setRecording(client, room, on);
            return null;
        });
        if (on) {
            repository.startRecording(room.id(), before);
        } else if (repository.stopRecording(room.id(), clock.instant())) {
            recordingEnded.run();
        }
        return room.withRecording(on);
    }

    /**
     * Turns a text room's recording on or off: Janus cannot record text rooms, so the flag only
     * tells {@link TextRoomPostBackend} to keep the messages the room posts.
     */
    public RoomRecord setTextRecording(RoomRecord room, boolean on) {
        repository.setRecording(room.id(), on);
        return room.withRecording(on);
    }

    /** A page of a text room's recorded messages. */
    public Page.Result<TranscriptMessage> transcript(RoomRecord room, Page page) {
        return repository.transcript(room.id(), page);
    }

    /** Posts an announcement into a text room, from the room itself. */
    public void announce(RoomRecord room, String text) {
        call(room, Map.of(), client -> {
            plugin.announce(client, room, text);
            return null;
        });
    }

    /**
     * The caller's token for the room, bound to their participant id (or username) and to
     * {@code display}: the one they have (now bound to this display), or a new one added to
     * Janus's allowed list. A user banned from the room gets none.
     */
    public RoomToken join(RoomRecord room, Principal caller, String display) {
        Text.check(display, "display", 1, MAX_DISPLAY_LENGTH, false, ErrorCode.INVALID_DISPLAY_NAME);
        if (repository.isBanned(room.id(), caller.getUserId())) {
            throw banned(room);
        }
        Optional<RoomToken> existing = repository.tokenOf(room.id(), caller.getUserId());
        if (existing.isPresent()) {
            RoomToken token = existing.get();
            if (!token.display().equals(display)) {
                repository.setDisplay(room.id(), caller.getUserId(), display);
            }
            return token.withDisplay(display);
        }
        RoomToken token = new RoomToken(room.id(), caller.getUserId(), caller.getUserName(), ids.nextId(),
                                        "u" + HexFormat.of().formatHex(ids.nextBytes(8)), display,
                                        ids.nextSecret());
        allow(room, true, token.token());
        repository.insertToken(token, clock.instant());
        if (repository.isBanned(room.id(), caller.getUserId())) {
            // Kicked while this join ran: the kick cannot have revoked the token it did not see yet.
            revoke(room, token);
            throw banned(room);
        }
        return token;
    }

    /** {@link #kick} of a video room's participant. */
    public void kickParticipant(RoomRecord room, long participantId) {
        kick(room, repository.tokenByParticipant(room.id(), participantId), new ById(participantId),
             String.valueOf(participantId));
    }

    /** {@link #kick} of a text room's participant. */
    public void kickUser(RoomRecord room, String username) {
        kick(room, repository.tokenByUsername(room.id(), username), new ByUsername(username), username);
    }

    /**
     * Bans the user holding {@code token} (if media-svc issued it) from the room, revokes the token
     * and kicks the participant. Someone neither holding a token of ours nor in the room is
     * PARTICIPANT_NOT_FOUND.
     */
    private void kick(RoomRecord room, Optional<RoomToken> token, Occupant occupant, String who) {
        if (token.isPresent()) {
            // Banned first, so that a join running meanwhile finds the ban (see join).
            repository.ban(room.id(), token.get().userId(), token.get().userName(), clock.instant());
            revoke(room, token.get());
        }
        try {
            kickOnJanus(room, occupant);
        } catch (MediameshException e) {
            // Revoked but not present right now: the kick's purpose, keeping them out, is met.
            if (e.code() != ErrorCode.PARTICIPANT_NOT_FOUND || token.isEmpty()) {
                throw e.code() == ErrorCode.PARTICIPANT_NOT_FOUND
                      ? new MediameshException(ErrorCode.PARTICIPANT_NOT_FOUND, "No participant " + who +
                                                                                " in room " + room.id() + '.')
                      : e;
            }
        }
    }

    /** Lets a banned user join the room again (with a new token). */
    public void unban(RoomRecord room, long userId) {
        repository.unban(room.id(), Text.checkId(userId, "user_id"));
        logger.info("Lifted the ban of user {} from {} room {}", userId, room.kind().dbName(), room.id());
    }

    /**
     * Kicks a participant who is not who their join token was issued for ({@link ParticipantGuard});
     * one who already left is fine.
     */
    void kickImpostor(RoomRecord room, Occupant occupant, String why) {
        logger.warn("Kicking from {} room {}: {}", room.kind().dbName(), room.id(), why);
        try {
            kickOnJanus(room, occupant);
        } catch (MediameshException e) {
            if (e.code() != ErrorCode.PARTICIPANT_NOT_FOUND) {
                throw e;
            }
        }
    }

    private void kickOnJanus(RoomRecord room, Occupant occupant) {
        call(room, Map.of(room.kind().noSuchParticipant(), ErrorCode.PARTICIPANT_NOT_FOUND), client -> {
            plugin.kick(client, room, occupant);
            return null;
        });
    }

    private void revoke(RoomRecord room, RoomToken token) {
        allow(room, false, token.token());
        repository.deleteToken(room.id(), token.userId());
    }

    private void allow(RoomRecord room, boolean add, String token) {
        call(room, Map.of(), client -> {
            plugin.allow(client, room, add, token);
            return null;
        });
    }

    /** Takes the room out of Janus's public `list` (see {@link RoomReconciler}). */
    void makePrivate(RoomRecord room) {
        call(room, Map.of(), client -> {
            plugin.makePrivate(client, room);
            return null;
        });
    }

    /** The rooms of a kind {@code server}'s Janus has: whether each is private, by id. */
    Map<Long, Boolean> listOnJanus(JanusServer server, JanusClient client, RoomKind kind) {
        return plugin.list(client, server, kind);
    }

    private static MediameshException banned(RoomRecord room) {
        return new MediameshException(ErrorCode.ROOM_BANNED, "You were removed from room " + room.id() +
                                                             " and may not join it again.");
    }

    /** The URL Janus posts a text room's messages to. */
    public String postUrl(RoomRecord room) {
        return postBaseUrl + TextRoomPostBackend.PATH_PREFIX + room.id() + '/' + room.postToken();
    }

    /**
     * Makes a request about a stored room to its Janus. A room Janus does not know is re-created
     * from its record once, then the request is made again. Plugin errors become catalog codes:
     * {@code specific} ones as given, the others FAILED_ROOM_REQUEST.
     */
    private <T> T call(RoomRecord room, Map<Integer, ErrorCode> specific, Function<JanusClient, T> request) {
        JanusServer server = servers.get(room.serverId());
        JanusClient client = servers.client(server);
        try {
            return request.apply(client);
        } catch (JanusPluginError e) {
            if (e.code() != room.kind().noSuchRoom()) {
                throw mapped(room, e, specific);
            }
        }
        logger.info("{} room {} is missing on {}; re-creating it", room.kind().dbName(), room.id(),
                    server.server().getName());
        recreate(server, client, room);
        try {
            return request.apply(client);
        } catch (JanusPluginError e) {
            throw mapped(room, e, specific);
        }
    }

    /** Creates a stored room again on its Janus from its record, tokens included (one Janus has is kept). */
    void recreate(JanusServer server, JanusClient client, RoomRecord room) {
        createOnJanus(server, client, room, repository.tokens(room.id()).stream().map(RoomToken::token).toList());
    }

    /** Creates the room on Janus; one Janus has already is kept. */
    private void createOnJanus(JanusServer server, JanusClient client, RoomRecord room, List<String> tokens) {
        try {
            plugin.create(client, server, room, tokens, postUrl(room));
        } catch (JanusPluginError e) {
            if (e.code() != room.kind().roomExists()) {
                throw mapped(room, e, Map.of());
            }
        }
    }

    private void destroyOnJanusOrFail(JanusClient client, RoomRecord room) {
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
    private void destroyOnJanus(JanusClient client, RoomRecord room) {
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
