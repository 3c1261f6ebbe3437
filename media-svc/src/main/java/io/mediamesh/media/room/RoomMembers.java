package io.mediamesh.media.room;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.validation.Text;
import io.mediamesh.media.janus.JanusIds;
import io.mediamesh.media.room.RoomPlugin.ById;
import io.mediamesh.media.room.RoomPlugin.ByUsername;
import io.mediamesh.media.room.RoomPlugin.Occupant;
import io.mediamesh.media.room.RoomPlugin.Participant;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may be in a room: join tokens bound to a participant id (or username) and a display name,
 * added to Janus's allowed list; kicks that ban and revoke; who is in the room now. Blocking.
 */
final class RoomMembers {
    private static final Logger logger = LoggerFactory.getLogger(RoomMembers.class);

    private final RoomRepository repository;
    private final RoomCalls calls;
    private final RoomPlugin plugin;
    private final Clock clock;
    private final JanusIds ids = new JanusIds();

    RoomMembers(RoomRepository repository, RoomCalls calls, RoomPlugin plugin, Clock clock) {
        this.repository = repository;
        this.calls = calls;
        this.plugin = plugin;
        this.clock = clock;
    }

    /** Who is in the room now, as its Janus lists them. */
    List<Participant> participantsOnJanus(RoomRecord room) {
        return calls.call(room, Map.of(), client -> plugin.participants(client, room));
    }

    /** Who is in the room now, as its Janus lists them, each with the user their token names. */
    List<Rooms.Present> participants(RoomRecord room) {
        return participantsOnJanus(room).stream()
                .map(p -> new Rooms.Present(p, room.kind() == RoomKind.VIDEO
                                         ? repository.tokenByParticipant(room.id(), p.id())
                                         : repository.tokenByUsername(room.id(), p.username())))
                .toList();
    }

    /**
     * The caller's token for the room, bound to their participant id (or username) and to
     * {@code display}: the one they have (now bound to this display), or a new one added to
     * Janus's allowed list. A user banned from the room gets none.
     */
    RoomToken join(RoomRecord room, Principal caller, String display) {
        Text.check(display, "display", 1, Rooms.MAX_DISPLAY_LENGTH, false, ErrorCode.INVALID_DISPLAY_NAME);
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
    void kickParticipant(RoomRecord room, long participantId) {
        kick(room, repository.tokenByParticipant(room.id(), participantId), new ById(participantId),
             String.valueOf(participantId));
    }

    /** {@link #kick} of a text room's participant. */
    void kickUser(RoomRecord room, String username) {
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
    void unban(RoomRecord room, long userId) {
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
        calls.send(room, Map.of(room.kind().noSuchParticipant(), ErrorCode.PARTICIPANT_NOT_FOUND),
                   client -> plugin.kick(client, room, occupant));
    }

    private void revoke(RoomRecord room, RoomToken token) {
        allow(room, false, token.token());
        repository.deleteToken(room.id(), token.userId());
    }

    private void allow(RoomRecord room, boolean add, String token) {
        calls.send(room, Map.of(), client -> plugin.allow(client, room, add, token));
    }

    private static MediameshException banned(RoomRecord room) {
        return new MediameshException(ErrorCode.ROOM_BANNED, "You were removed from room " + room.id() +
                                                             " and may not join it again.");
    }
}
