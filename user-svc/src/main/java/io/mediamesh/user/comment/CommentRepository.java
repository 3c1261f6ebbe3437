package io.mediamesh.user.comment;

import static io.mediamesh.user.db.Tables.COMMENTS;
import static io.mediamesh.user.db.Tables.USERS;

import io.mediamesh.common.paging.Page;
import io.mediamesh.common.time.Times;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SelectOnConditionStep;

/** The comments table. */
public final class CommentRepository {
    private final DSLContext db;

    public CommentRepository(DSLContext db) {
        this.db = db;
    }

    public CommentRecord insert(long videoId, long authorId, String author, String content, Instant now) {
        long id = db.insertInto(COMMENTS)
                    .set(COMMENTS.VIDEO_ID, videoId)
                    .set(COMMENTS.AUTHOR_ID, authorId)
                    .set(COMMENTS.CONTENT, content)
                    .set(COMMENTS.CREATED_AT, Times.toDb(now))
                    .returningResult(COMMENTS.ID)
                    .fetchOne(COMMENTS.ID);
        return new CommentRecord(id, videoId, authorId, author, content, now);
    }

    /** A page of a video's comments, newest first. */
    public Page.Result<CommentRecord> listByVideo(long videoId, Page page) {
        List<CommentRecord> rows = select()
                .where(COMMENTS.VIDEO_ID.eq(videoId).and(COMMENTS.ID.lt(page.before())))
                .orderBy(COMMENTS.ID.desc())
                .limit(page.fetchSize())
                .fetch(CommentRepository::toComment);
        return page.result(rows, CommentRecord::id);
    }

    public Optional<CommentRecord> find(long videoId, long commentId) {
        return select().where(COMMENTS.ID.eq(commentId).and(COMMENTS.VIDEO_ID.eq(videoId)))
                       .fetchOptional(CommentRepository::toComment);
    }

    public boolean delete(long commentId) {
        return db.deleteFrom(COMMENTS).where(COMMENTS.ID.eq(commentId)).execute() == 1;
    }

    private SelectOnConditionStep<Record> select() {
        return db.select(COMMENTS.fields()).select(USERS.USER_NAME)
                 .from(COMMENTS).join(USERS).on(USERS.ID.eq(COMMENTS.AUTHOR_ID));
    }

    private static CommentRecord toComment(Record r) {
        return new CommentRecord(r.get(COMMENTS.ID), r.get(COMMENTS.VIDEO_ID), r.get(COMMENTS.AUTHOR_ID),
                                 r.get(USERS.USER_NAME), r.get(COMMENTS.CONTENT),
                                 Times.fromDb(r.get(COMMENTS.CREATED_AT)));
    }
}
