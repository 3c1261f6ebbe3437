package io.mediamesh.user.deletion;

import static io.mediamesh.user.db.Tables.FILE_DELETION_OUTBOX;

import io.mediamesh.common.time.Times;
import java.time.Instant;
import java.util.List;
import org.jooq.DSLContext;

/** The file_deletion_outbox table: written inside the deleting transaction, drained by the relay. */
public final class DeletionOutbox {
    private final DSLContext db;

    public DeletionOutbox(DSLContext db) {
        this.db = db;
    }

    /** Records videos whose files must go, within the caller's transaction {@code tx}. */
    public static void add(DSLContext tx, List<Long> videoIds, Instant now) {
        if (videoIds.isEmpty()) {
            return;
        }
        var insert = tx.insertInto(FILE_DELETION_OUTBOX, FILE_DELETION_OUTBOX.VIDEO_ID,
                                   FILE_DELETION_OUTBOX.CREATED_AT);
        for (long videoId : videoIds) {
            insert = insert.values(videoId, Times.toDb(now));
        }
        insert.onDuplicateKeyIgnore().execute();
    }

    List<Long> oldest(int limit) {
        return db.select(FILE_DELETION_OUTBOX.VIDEO_ID).from(FILE_DELETION_OUTBOX)
                 .orderBy(FILE_DELETION_OUTBOX.CREATED_AT)
                 .limit(limit)
                 .fetch(FILE_DELETION_OUTBOX.VIDEO_ID);
    }

    void remove(List<Long> videoIds) {
        db.deleteFrom(FILE_DELETION_OUTBOX).where(FILE_DELETION_OUTBOX.VIDEO_ID.in(videoIds)).execute();
    }

    void recordFailure(List<Long> videoIds, String error) {
        db.update(FILE_DELETION_OUTBOX)
          .set(FILE_DELETION_OUTBOX.ATTEMPTS, FILE_DELETION_OUTBOX.ATTEMPTS.plus(1))
          .set(FILE_DELETION_OUTBOX.LAST_ERROR, error.length() > 500 ? error.substring(0, 500) : error)
          .where(FILE_DELETION_OUTBOX.VIDEO_ID.in(videoIds))
          .execute();
    }
}
