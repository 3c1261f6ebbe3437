package io.mediamesh.user.quota;

import static io.mediamesh.user.db.Tables.USERS;
import static io.mediamesh.user.db.Tables.USER_QUOTAS;
import static io.mediamesh.user.db.Tables.VIDEOS;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.quota.Quota;
import io.mediamesh.user.db.tables.records.UserQuotasRecord;
import java.math.BigDecimal;
import java.util.OptionalLong;
import org.jooq.DSLContext;
import org.jooq.Condition;
import org.jooq.Record2;
import org.jooq.impl.DSL;

/**
 * The user_quotas table (an admin's limits for a user, over the configured defaults) and the usage
 * of the quotas user-svc keeps. The checks run inside the caller's transaction, after locking the
 * user's row, and count with locking reads: every check of one user waits for the one before it to
 * commit and sees what it wrote, so two requests can never both take the last of a quota.
 */
public final class QuotaRepository {
    private final DSLContext db;
    private final Limits defaults;

    public QuotaRepository(DSLContext db, Limits defaults) {
        this.db = db;
        this.defaults = defaults;
    }

    public Limits limits(long userId) {
        return limits(db, userId);
    }

    public Usage usage(long userId) {
        Record2<Integer, BigDecimal> row = db.select(DSL.count(), DSL.sum(VIDEOS.FILE_SIZE)).from(VIDEOS)
                                             .where(live(userId)).fetchOne();
        return new Usage(row.value1(), row.value2() == null ? 0 : row.value2().longValueExact());
    }

    /** Replaces the user's limits: the overrides' empty ones are the defaults again. */
    public void set(long userId, Overrides overrides) {
        if (overrides.isEmpty()) {
            db.deleteFrom(USER_QUOTAS).where(USER_QUOTAS.USER_ID.eq(userId)).execute();
            return;
        }
        UserQuotasRecord row = new UserQuotasRecord(userId, boxed(overrides.videos()), boxed(overrides.storedBytes()),
                                                    boxed(overrides.rooms()), boxed(overrides.streams()));
        db.insertInto(USER_QUOTAS).set(row).onDuplicateKeyUpdate().set(row).execute();
    }

    /**
     * Within {@code tx}: locks the user and refuses (QUOTA_EXCEEDED, videos) a video record more
     * than their limit allows. USER_NOT_FOUND if the user is gone.
     */
    public void requireVideoRoom(DSLContext tx, long userId) {
        lockUser(tx, userId);
        // A locking read, which sees what the previous holder of the lock committed (a plain one
        // could read the transaction's older snapshot).
        int videos = tx.select(DSL.count()).from(VIDEOS).where(live(userId)).forUpdate().fetchOne(0, int.class);
        Quota.VIDEOS.requireRoomForOne(videos, limits(tx, userId).videos());
    }

    /**
     * Within {@code tx}: locks the user and refuses (QUOTA_EXCEEDED, stored_bytes) a file of
     * {@code size} bytes for {@code videoId} (in place of its file, if it had one) that would take
     * their stored bytes past their limit.
     */
    public void requireStorage(DSLContext tx, long userId, long videoId, long size) {
        lockUser(tx, userId);
        // Locking, as in requireVideoRoom.
        BigDecimal others = tx.select(DSL.sum(VIDEOS.FILE_SIZE)).from(VIDEOS)
                              .where(live(userId).and(VIDEOS.ID.ne(videoId))).forUpdate()
                              .fetchOne(0, BigDecimal.class);
        long limit = limits(tx, userId).storedBytes();
        long stored = others == null ? 0 : others.longValueExact();
        if (size > limit - stored) {
            throw Quota.STORED_BYTES.exceeded(limit);
        }
    }

    /** Locks the user's row until {@code tx} ends; the order every quota check takes its locks in. */
    public static void lockUser(DSLContext tx, long userId) {
        if (tx.select(USERS.ID).from(USERS).where(USERS.ID.eq(userId)).forUpdate().fetchOptional().isEmpty()) {
            throw new MediameshException(ErrorCode.USER_NOT_FOUND, "No user " + userId + '.');
        }
    }

    private Limits limits(DSLContext tx, long userId) {
        return tx.selectFrom(USER_QUOTAS).where(USER_QUOTAS.USER_ID.eq(userId)).fetchOptional()
                 .map(r -> new Overrides(unboxed(r.getVideos()), unboxed(r.getStoredBytes()), unboxed(r.getRooms()),
                                         unboxed(r.getStreams())).over(defaults))
                 .orElse(defaults);
    }

    /** A user's videos that are not deleted; a pending one has a file_size of 0. */
    private static Condition live(long userId) {
        return VIDEOS.AUTHOR_ID.eq(userId).and(VIDEOS.DELETED_AT.isNull());
    }

    private static Long boxed(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }

    private static OptionalLong unboxed(Long value) {
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }
}
