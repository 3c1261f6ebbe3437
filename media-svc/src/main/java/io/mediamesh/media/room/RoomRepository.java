package io.mediamesh.media.room;

import static io.mediamesh.media.db.Tables.RECORDING_CONVERSIONS;
import static io.mediamesh.media.db.Tables.ROOMS;
import static io.mediamesh.media.db.Tables.ROOM_BANS;
import static io.mediamesh.media.db.Tables.ROOM_TOKENS;
import static io.mediamesh.media.db.Tables.TEXT_ROOM_MESSAGES;

import io.mediamesh.api.v1.TextRoomEventType;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.time.Times;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * The rooms, room_tokens, room_bans and text_room_messages tables; and the queueing of a video
 * room's ended recording into recording_conversions, in the transaction that ends it.
 */
public final class RoomRepository {
    private final DSLContext db;

    public RoomRepository(DSLContext db) {
        this.db = db;
    }

    public void insert(RoomRecord room) {
        db.insertInto(ROOMS)
          .set(ROOMS.ID, room.id())
          .set(ROOMS.KIND, room.kind().dbName())
          .set(ROOMS.DESCRIPTION, room.description())
          .set(ROOMS.MAX_PUBLISHERS, room.maxPublishers())
          .set(ROOMS.HISTORY, room.history())
          .set(ROOMS.RECORDING, room.recording())
          .set(ROOMS.SECRET, room.secret())
          .set(ROOMS.POST_TOKEN, room.postToken())
          .set(ROOMS.OWNER_ID, room.ownerId())
          .set(ROOMS.OWNER_NAME, room.ownerName())
          .set(ROOMS.SERVER_ID, room.serverId())
          .set(ROOMS.SERVER_NAME, room.serverName())
          .set(ROOMS.SERVER_URL, room.serverUrl())
          .set(ROOMS.CREATED_AT, Times.toDb(room.createdAt()))
          .set(ROOMS.RECORDING_SINCE, room.recording() ? Times.toDb(room.createdAt()) : null)
          .execute();
    }

    public Optional<RoomRecord> find(RoomKind kind, long id) {
        return db.selectFrom(ROOMS).where(ROOMS.ID.eq(id).and(ROOMS.KIND.eq(kind.dbName())))
                 .fetchOptional(RoomRepository::toRoom);
    }

    /** Rooms of a kind by descending id, optionally only one owner's. */
    public Page.Result<RoomRecord> page(RoomKind kind, Optional<Long> ownerId, Page page) {
        Condition where = ROOMS.KIND.eq(kind.dbName()).and(ROOMS.ID.lt(page.before()));
        if (ownerId.isPresent()) {
            where = where.and(ROOMS.OWNER_ID.eq(ownerId.get()));
        }
        List<RoomRecord> rows = db.selectFrom(ROOMS).where(where).orderBy(ROOMS.ID.desc()).limit(page.fetchSize())
                                  .fetch(RoomRepository::toRoom);
        return page.result(rows, RoomRecord::id);
    }

    /** The rooms of both kinds a user owns (their rooms quota's usage). */
    public long countOwnedBy(long ownerId) {
        return db.fetchCount(ROOMS, ROOMS.OWNER_ID.eq(ownerId));
    }

    /** Rooms media-svc keeps on a server (part of its load for server choice). */
    public long countOnServer(long serverId) {
        return db.fetchCount(ROOMS, ROOMS.SERVER_ID.eq(serverId));
    }

    /** The servers holding at least one room. */
    public List<Long> serverIds() {
        return db.selectDistinct(ROOMS.SERVER_ID).from(ROOMS).fetch(ROOMS.SERVER_ID);
    }

    /** The ids of the rooms of a kind on a server. */
    public Set<Long> idsOnServer(long serverId, RoomKind kind) {
        return db.select(ROOMS.ID).from(ROOMS).where(ROOMS.SERVER_ID.eq(serverId).and(ROOMS.KIND.eq(kind.dbName())))
                 .fetchSet(ROOMS.ID);
    }

    /** Text rooms: their transcript records while this is on. */
    public void setRecording(long id, boolean on) {
        db.update(ROOMS).set(ROOMS.RECORDING, on).where(ROOMS.ID.eq(id)).execute();
    }

    /**
     * Video rooms: recording is on, since {@code since} unless it already was (then its start
     * stays, so that turning it on twice does not split a recording).
     */
    public void startRecording(long id, Instant since) {
        db.update(ROOMS).set(ROOMS.RECORDING, true)
          .set(ROOMS.RECORDING_SINCE, DSL.coalesce(ROOMS.RECORDING_SINCE, DSL.val(Times.toDb(since))))
          .where(ROOMS.ID.eq(id)).execute();
    }

    /**
     * Video rooms: recording is off; if it was on, the recording that ends at {@code now} is queued
     * for conversion in the same transaction, so an ended recording is never forgotten. Returns
     * whether one was queued.
     */
    public boolean stopRecording(long id, Instant now) {
        return db.transactionResult(configuration -> queueEnded(configuration.dsl(), id, now));
    }

    /** Deletes a room with its tokens and transcript, queueing its recording if it was recording. */
    public boolean delete(long id, Instant now) {
        return db.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            queueEnded(tx, id, now);
            return tx.deleteFrom(ROOMS).where(ROOMS.ID.eq(id)).execute() == 1;
        });
    }

    /** A video room that is gone but recorded: who owned it and where its files are (its conversions tell). */
    public Optional<Rooms.RecordedRoom> destroyedAfterRecording(long roomId) {
        return db.select(RECORDING_CONVERSIONS.OWNER_ID, RECORDING_CONVERSIONS.SERVER_ID).from(RECORDING_CONVERSIONS)
                 .where(RECORDING_CONVERSIONS.ROOM_ID.eq(roomId)).limit(1)
                 .fetchOptional(r -> new Rooms.RecordedRoom(roomId, r.value1(), r.value2()));
    }

    private static boolean queueEnded(DSLContext tx, long id, Instant now) {
        var room = tx.selectFrom(ROOMS).where(ROOMS.ID.eq(id)).forUpdate().fetchOne();
        if (room == null) {
            return false;
        }
        tx.update(ROOMS).set(ROOMS.RECORDING, false).set(ROOMS.RECORDING_SINCE, (LocalDateTime) null)
          .where(ROOMS.ID.eq(id)).execute();
        if (!room.getRecording() || room.getRecordingSince() == null ||
            !RoomKind.VIDEO.dbName().equals(room.getKind())) {
            return false;
        }
        LocalDateTime at = Times.toDb(now);
        tx.insertInto(RECORDING_CONVERSIONS)
          .set(RECORDING_CONVERSIONS.ROOM_ID, id)
          .set(RECORDING_CONVERSIONS.SERVER_ID, room.getServerId())
          .set(RECORDING_CONVERSIONS.OWNER_ID, room.getOwnerId())
          .set(RECORDING_CONVERSIONS.OWNER_NAME, room.getOwnerName())
          .set(RECORDING_CONVERSIONS.ROOM_DESCRIPTION, room.getDescription())
          .set(RECORDING_CONVERSIONS.STARTED_AT, room.getRecordingSince())
          .set(RECORDING_CONVERSIONS.ENDED_AT, at)
          .set(RECORDING_CONVERSIONS.STATE, "pending")
          .set(RECORDING_CONVERSIONS.ATTEMPTS, 0)
          .set(RECORDING_CONVERSIONS.NEXT_ATTEMPT_AT, at)
          .set(RECORDING_CONVERSIONS.ERROR, "")
          .set(RECORDING_CONVERSIONS.CREATED_AT, at)
          .execute();
        return true;
    }

    public void insertToken(RoomToken token, Instant now) {
        db.insertInto(ROOM_TOKENS)
          .set(ROOM_TOKENS.ROOM_ID, token.roomId())
          .set(ROOM_TOKENS.USER_ID, token.userId())
          .set(ROOM_TOKENS.USER_NAME, token.userName())
          .set(ROOM_TOKENS.PARTICIPANT_ID, token.participantId())
          .set(ROOM_TOKENS.USERNAME, token.username())
          .set(ROOM_TOKENS.DISPLAY, token.display())
          .set(ROOM_TOKENS.TOKEN, token.token())
          .set(ROOM_TOKENS.CREATED_AT, Times.toDb(now))
          .execute();
    }

    public Optional<RoomToken> tokenOf(long roomId, long userId) {
        return db.selectFrom(ROOM_TOKENS).where(ROOM_TOKENS.ROOM_ID.eq(roomId).and(ROOM_TOKENS.USER_ID.eq(userId)))
                 .fetchOptional(RoomRepository::toToken);
    }

    public Optional<RoomToken> tokenByParticipant(long roomId, long participantId) {
        return db.selectFrom(ROOM_TOKENS)
                 .where(ROOM_TOKENS.ROOM_ID.eq(roomId).and(ROOM_TOKENS.PARTICIPANT_ID.eq(participantId)))
                 .fetchOptional(RoomRepository::toToken);
    }

    public Optional<RoomToken> tokenByUsername(long roomId, String username) {
        return db.selectFrom(ROOM_TOKENS)
                 .where(ROOM_TOKENS.ROOM_ID.eq(roomId).and(ROOM_TOKENS.USERNAME.eq(username)))
                 .fetchOptional(RoomRepository::toToken);
    }

    /** Who was given {@code token} for the room (Janus's join events name the token used). */
    public Optional<RoomToken> tokenByToken(long roomId, String token) {
        return db.selectFrom(ROOM_TOKENS).where(ROOM_TOKENS.ROOM_ID.eq(roomId).and(ROOM_TOKENS.TOKEN.eq(token)))
                 .fetchOptional(RoomRepository::toToken);
    }

    public List<RoomToken> tokens(long roomId) {
        return db.selectFrom(ROOM_TOKENS).where(ROOM_TOKENS.ROOM_ID.eq(roomId)).fetch(RoomRepository::toToken);
    }

    public void setDisplay(long roomId, long userId, String display) {
        db.update(ROOM_TOKENS).set(ROOM_TOKENS.DISPLAY, display)
          .where(ROOM_TOKENS.ROOM_ID.eq(roomId).and(ROOM_TOKENS.USER_ID.eq(userId))).execute();
    }

    public void deleteToken(long roomId, long userId) {
        db.deleteFrom(ROOM_TOKENS).where(ROOM_TOKENS.ROOM_ID.eq(roomId).and(ROOM_TOKENS.USER_ID.eq(userId)))
          .execute();
    }

    /** Bans a user from a room (again: no change). */
    public void ban(long roomId, long userId, String userName, Instant now) {
        db.insertInto(ROOM_BANS)
          .set(ROOM_BANS.ROOM_ID, roomId)
          .set(ROOM_BANS.USER_ID, userId)
          .set(ROOM_BANS.USER_NAME, userName)
          .set(ROOM_BANS.CREATED_AT, Times.toDb(now))
          .onDuplicateKeyIgnore()
          .execute();
    }

    public boolean isBanned(long roomId, long userId) {
        return db.fetchExists(ROOM_BANS, ROOM_BANS.ROOM_ID.eq(roomId).and(ROOM_BANS.USER_ID.eq(userId)));
    }

    public void unban(long roomId, long userId) {
        db.deleteFrom(ROOM_BANS).where(ROOM_BANS.ROOM_ID.eq(roomId).and(ROOM_BANS.USER_ID.eq(userId))).execute();
    }

    /**
     * Stores a message if the room records right now (checked in the same statement), with the
     * display name its sender's token was issued for (empty for announcements).
     */
    public boolean recordIfRecording(long roomId, TextRoomEventType type, String sender, List<String> recipients,
                                     String text, Instant sentAt, Instant now) {
        Field<String> display = DSL.coalesce(DSL.field(DSL.select(ROOM_TOKENS.DISPLAY).from(ROOM_TOKENS)
                                                          .where(ROOM_TOKENS.ROOM_ID.eq(roomId)
                                                                                    .and(ROOM_TOKENS.USERNAME.eq(sender)))),
                                             DSL.val(""));
        return db.insertInto(TEXT_ROOM_MESSAGES,
                             TEXT_ROOM_MESSAGES.ROOM_ID, TEXT_ROOM_MESSAGES.TYPE, TEXT_ROOM_MESSAGES.SENDER,
                             TEXT_ROOM_MESSAGES.SENDER_DISPLAY, TEXT_ROOM_MESSAGES.RECIPIENTS, TEXT_ROOM_MESSAGES.TEXT,
                             TEXT_ROOM_MESSAGES.SENT_AT, TEXT_ROOM_MESSAGES.RECORDED_AT)
                 .select(DSL.select(DSL.val(roomId), DSL.val(typeName(type)), DSL.val(sender), display,
                                    DSL.val(String.join(",", recipients)), DSL.val(text),
                                    DSL.val(Times.toDb(sentAt)), DSL.val(Times.toDb(now)))
                            .from(ROOMS)
                            .where(ROOMS.ID.eq(roomId).and(ROOMS.RECORDING.isTrue())))
                 .execute() == 1;
    }

    /**
     * Recorded messages oldest first. The page's keyset bound is used as "after this id" (the
     * first page starts at the beginning), so the shared cursor format serves ascending order too.
     */
    public Page.Result<TranscriptMessage> transcript(long roomId, Page page) {
        long after = page.before() == Long.MAX_VALUE ? 0 : page.before();
        List<TranscriptMessage> rows = db.selectFrom(TEXT_ROOM_MESSAGES)
                                         .where(TEXT_ROOM_MESSAGES.ROOM_ID.eq(roomId)
                                                                          .and(TEXT_ROOM_MESSAGES.ID.gt(after)))
                                         .orderBy(TEXT_ROOM_MESSAGES.ID.asc())
                                         .limit(page.fetchSize())
                                         .fetch(r -> new TranscriptMessage(
                                                 r.getId(), r.getRoomId(),
                                                 "announcement".equals(r.getType())
                                                 ? TextRoomEventType.TEXT_ROOM_EVENT_TYPE_ANNOUNCEMENT
                                                 : TextRoomEventType.TEXT_ROOM_EVENT_TYPE_MESSAGE,
                                                 r.getSender(), r.getSenderDisplay(),
                                                 r.getRecipients().isEmpty() ? List.of()
                                                                             : Arrays.asList(r.getRecipients()
                                                                                              .split(",")),
                                                 r.getText(), Times.fromDb(r.getSentAt()),
                                                 Times.fromDb(r.getRecordedAt())));
        return page.result(rows, TranscriptMessage::id);
    }

    private static String typeName(TextRoomEventType type) {
        return type == TextRoomEventType.TEXT_ROOM_EVENT_TYPE_ANNOUNCEMENT ? "announcement" : "message";
    }

    private static RoomRecord toRoom(Record r) {
        return new RoomRecord(r.get(ROOMS.ID), RoomKind.fromDb(r.get(ROOMS.KIND)), r.get(ROOMS.DESCRIPTION),
                              r.get(ROOMS.MAX_PUBLISHERS), r.get(ROOMS.HISTORY), r.get(ROOMS.RECORDING),
                              r.get(ROOMS.SECRET), r.get(ROOMS.POST_TOKEN), r.get(ROOMS.OWNER_ID),
                              r.get(ROOMS.OWNER_NAME), r.get(ROOMS.SERVER_ID), r.get(ROOMS.SERVER_NAME),
                              r.get(ROOMS.SERVER_URL), Times.fromDb(r.get(ROOMS.CREATED_AT)));
    }

    private static RoomToken toToken(Record r) {
        return new RoomToken(r.get(ROOM_TOKENS.ROOM_ID), r.get(ROOM_TOKENS.USER_ID), r.get(ROOM_TOKENS.USER_NAME),
                             r.get(ROOM_TOKENS.PARTICIPANT_ID), r.get(ROOM_TOKENS.USERNAME),
                             r.get(ROOM_TOKENS.DISPLAY), r.get(ROOM_TOKENS.TOKEN));
    }
}
