package io.mediamesh.media.upload;

import static io.mediamesh.media.db.Tables.RESUMABLE_UPLOADS;

import io.mediamesh.common.time.Times;
import io.mediamesh.media.db.tables.records.ResumableUploadsRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

/** The resumable_uploads table. */
final class ResumableUploadRepository {
    private final DSLContext db;

    ResumableUploadRepository(DSLContext db) {
        this.db = db;
    }

    void insert(ResumableUpload upload) {
        db.insertInto(RESUMABLE_UPLOADS)
          .set(RESUMABLE_UPLOADS.ID, upload.id())
          .set(RESUMABLE_UPLOADS.VIDEO_ID, upload.videoId())
          .set(RESUMABLE_UPLOADS.OWNER_ID, upload.ownerId())
          .set(RESUMABLE_UPLOADS.LENGTH, upload.length())
          .set(RESUMABLE_UPLOADS.METADATA, upload.metadata())
          .set(RESUMABLE_UPLOADS.CREATED_AT, Times.toDb(upload.createdAt()))
          .set(RESUMABLE_UPLOADS.EXPIRES_AT, Times.toDb(upload.expiresAt()))
          .execute();
    }

    /** The upload, unless it expired at {@code now}. */
    Optional<ResumableUpload> findLive(String id, Instant now) {
        return db.selectFrom(RESUMABLE_UPLOADS)
                 .where(RESUMABLE_UPLOADS.ID.eq(id).and(RESUMABLE_UPLOADS.EXPIRES_AT.gt(Times.toDb(now))))
                 .fetchOptional(ResumableUploadRepository::toUpload);
    }

    void extend(String id, Instant expiresAt) {
        db.update(RESUMABLE_UPLOADS).set(RESUMABLE_UPLOADS.EXPIRES_AT, Times.toDb(expiresAt))
          .where(RESUMABLE_UPLOADS.ID.eq(id)).execute();
    }

    void delete(String id) {
        db.deleteFrom(RESUMABLE_UPLOADS).where(RESUMABLE_UPLOADS.ID.eq(id)).execute();
    }

    /** Ids of uploads expired at {@code now}, oldest first. */
    List<String> expired(Instant now, int limit) {
        return db.select(RESUMABLE_UPLOADS.ID).from(RESUMABLE_UPLOADS)
                 .where(RESUMABLE_UPLOADS.EXPIRES_AT.le(Times.toDb(now)))
                 .orderBy(RESUMABLE_UPLOADS.EXPIRES_AT).limit(limit).fetch(RESUMABLE_UPLOADS.ID);
    }

    private static ResumableUpload toUpload(ResumableUploadsRecord r) {
        return new ResumableUpload(r.getId(), r.getVideoId(), r.getOwnerId(), r.getLength(), r.getMetadata(),
                                   Times.fromDb(r.getCreatedAt()), Times.fromDb(r.getExpiresAt()));
    }
}
