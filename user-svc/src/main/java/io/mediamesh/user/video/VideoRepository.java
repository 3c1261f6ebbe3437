package io.mediamesh.user.video;

import static io.mediamesh.user.db.Tables.USERS;
import static io.mediamesh.user.db.Tables.VIDEOS;

import io.mediamesh.common.paging.Page;
import io.mediamesh.common.time.Times;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SelectOnConditionStep;

/** The videos table. Deleted rows are invisible to every read here. */
public final class VideoRepository {
    private final DSLContext db;

    public VideoRepository(DSLContext db) {
        this.db = db;
    }

    public VideoRecord insert(long authorId, String author, String name, String description, Instant now) {
        long id = db.insertInto(VIDEOS)
                    .set(VIDEOS.AUTHOR_ID, authorId)
                    .set(VIDEOS.NAME, name)
                    .set(VIDEOS.DESCRIPTION, description)
                    .set(VIDEOS.STATE, VideoRecord.PENDING)
                    .set(VIDEOS.CREATED_AT, Times.toDb(now))
                    .returningResult(VIDEOS.ID)
                    .fetchOne(VIDEOS.ID);
        return new VideoRecord(id, authorId, author, name, description, false, 0, "", now);
    }

    public Optional<VideoRecord> find(long videoId) {
        return selectLive().where(VIDEOS.ID.eq(videoId).and(VIDEOS.DELETED_AT.isNull()))
                           .fetchOptional(VideoRepository::toVideo);
    }

    /** A page of a user's videos, newest first; empty for an unknown user. */
    public Page.Result<VideoRecord> listByAuthor(String userName, Page page) {
        List<VideoRecord> rows = selectLive()
                .where(USERS.USER_NAME.eq(userName)
                                      .and(VIDEOS.DELETED_AT.isNull())
                                      .and(VIDEOS.ID.lt(page.before())))
                .orderBy(VIDEOS.ID.desc())
                .limit(page.fetchSize())
                .fetch(VideoRepository::toVideo);
        return page.result(rows, VideoRecord::id);
    }

    /** Marks a video deleted; false if it was already. */
    public boolean markDeleted(long videoId, Instant now) {
        return db.update(VIDEOS)
                 .set(VIDEOS.DELETED_AT, Times.toDb(now))
                 .where(VIDEOS.ID.eq(videoId).and(VIDEOS.DELETED_AT.isNull()))
                 .execute() == 1;
    }

    public boolean markReady(long videoId, long size, String sha256) {
        return db.update(VIDEOS)
                 .set(VIDEOS.STATE, VideoRecord.READY)
                 .set(VIDEOS.FILE_SIZE, size)
                 .set(VIDEOS.SHA256, sha256)
                 .where(VIDEOS.ID.eq(videoId).and(VIDEOS.DELETED_AT.isNull()))
                 .execute() == 1;
    }

    private SelectOnConditionStep<Record> selectLive() {
        return db.select(VIDEOS.fields()).select(USERS.USER_NAME)
                 .from(VIDEOS).join(USERS).on(USERS.ID.eq(VIDEOS.AUTHOR_ID));
    }

    private static VideoRecord toVideo(Record r) {
        String sha256 = r.get(VIDEOS.SHA256);
        return new VideoRecord(r.get(VIDEOS.ID), r.get(VIDEOS.AUTHOR_ID), r.get(USERS.USER_NAME), r.get(VIDEOS.NAME),
                               r.get(VIDEOS.DESCRIPTION), VideoRecord.READY.equals(r.get(VIDEOS.STATE)),
                               r.get(VIDEOS.FILE_SIZE), sha256 == null ? "" : sha256,
                               Times.fromDb(r.get(VIDEOS.CREATED_AT)));
    }
}
