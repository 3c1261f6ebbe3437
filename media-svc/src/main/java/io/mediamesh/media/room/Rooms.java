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
import io.mediamesh.media.janus.JanusServer;
import io.mediamesh.media.janus.MediaServers;
import io.mediamesh.media.quota.MediaQuotas;
import io.mediamesh.media.room.RoomPlugin.Occupant;
import io.mediamesh.media.room.RoomPlugin.Participant;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rooms of both kinds on Janus, with the stored records as the truth: a room Janus no longer has
 * (it restarted) is re-created there from its record, tokens included, before the request is
 * sent again ({@link RoomCalls}; {@link RoomReconciler} does the same without waiting for a
 * request). Who may be in a room is {@link RoomMembers}'s. Runs on the blocking executor.
 */
public final class Rooms {
    public static final int MAX_DESCRIPTION_LENGTH = 200;
    public static final int MAX_DISPLAY_LENGTH = 64;
    private static final Logger logger = LoggerFactory.getLogger(Rooms.class);

    private final RoomRepository repository;
    private final MediaServers servers;
    private final Callers callers;
    private final Clock clock;
    private final ToLongFunction<Long> serverLoad;
    private final MediaQuotas quotas;
    private final Runnable recordingEnded;
    private final JanusIds ids = new JanusIds();
    private final RoomPlugin plugin = new RoomPlugin();
    private final RoomCalls calls;
    private final RoomMembers members;

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
        this.calls = new RoomCalls(repository, servers, plugin, postBaseUrl);
        this.members = new RoomMembers(repository, calls, plugin, clock);
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

    /** Who is in the room now, as its Janus lists them, each with the user their token names. */
    public List<Present> participants(RoomRecord room) {
        return members.participants(room);
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
        calls.createOnJanus(server, client, room, List.of());
        try {
            repository.insert(room);
        } catch (RuntimeException e) {
            calls.destroyOnJanus(client, room);
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

    /** Destroys the room; a video room's recording that this ends is queued for conversion. */
    public void destroy(RoomRecord room) {
        JanusServer server = servers.get(room.serverId());
        boolean recordingEnds;
        Lock lifecycle = lifecycleLock(room.id());
        lifecycle.lock();
        try {
            calls.destroyOnJanusOrFail(servers.client(server), room);
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

    /** The lock that a room's destroy and every re-creation of it share ({@link RoomCalls#lifecycleLock}). */
    Lock lifecycleLock(long roomId) {
        return calls.lifecycleLock(roomId);
    }

    /**
     * Turns a video room's recording on or off on Janus. Its start is taken before Janus starts
     * files and its end after Janus closed them, so the window holds every file of it; the
     * recording that turning off ends is queued for conversion.
     */
    public RoomRecord setVideoRecording(RoomRecord room, boolean on) {
        Instant before = clock.instant();
        calls.send(room, Map.of(), client -> plugin.setRecording(client, room, on));
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
        calls.send(room, Map.of(), client -> plugin.announce(client, room, text));
    }

    /**
     * The caller's token for the room, bound to their participant id (or username) and to
     * {@code display}: the one they have (now bound to this display), or a new one added to
     * Janus's allowed list. A user banned from the room gets none.
     */
    public RoomToken join(RoomRecord room, Principal caller, String display) {
        return members.join(room, caller, display);
    }

    /** Bans a video room's participant, revokes their token and kicks them (PARTICIPANT_NOT_FOUND if unknown). */
    public void kickParticipant(RoomRecord room, long participantId) {
        members.kickParticipant(room, participantId);
    }

    /** Bans a text room's participant, revokes their token and kicks them (PARTICIPANT_NOT_FOUND if unknown). */
    public void kickUser(RoomRecord room, String username) {
        members.kickUser(room, username);
    }

    /** Lets a banned user join the room again (with a new token). */
    public void unban(RoomRecord room, long userId) {
        members.unban(room, userId);
    }

    /** Takes the room out of Janus's public `list` (see {@link RoomReconciler}). */
    void makePrivate(RoomRecord room) {
        calls.send(room, Map.of(), client -> plugin.makePrivate(client, room));
    }

    /** Who is in the room now, as its Janus lists them (for {@link ParticipantGuard}). */
    List<Participant> participantsOnJanus(RoomRecord room) {
        return members.participantsOnJanus(room);
    }

    /**
     * Kicks a participant who is not who their join token was issued for ({@link ParticipantGuard});
     * one who already left is fine.
     */
    void kickImpostor(RoomRecord room, Occupant occupant, String why) {
        members.kickImpostor(room, occupant, why);
    }

    /** Creates a stored room again on its Janus from its record, tokens included (see {@link RoomReconciler}). */
    void recreate(JanusServer server, JanusClient client, RoomRecord room) {
        calls.recreate(server, client, room);
    }

    /** The rooms of a kind {@code server}'s Janus has: whether each is private, by id. */
    Map<Long, Boolean> listOnJanus(JanusServer server, JanusClient client, RoomKind kind) {
        return plugin.list(client, server, kind);
    }

}
