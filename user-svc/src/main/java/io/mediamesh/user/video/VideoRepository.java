package io.mediamesh.user.video;

import static io.mediamesh.user.db.Tables.USERS;
import static io.mediamesh.user.db.Tables.VIDEOS;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.time.Times;
import io.mediamesh.user.deletion.DeletionOutbox;
import io.mediamesh.user.quota.QuotaRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SelectOnConditionStep;

/**
 * The videos table. Deleted rows are invisible to every read here.
 *
 * <p>Single-video reads and the pages of the listings (a user's videos, the public feed), the
 * hottest reads of the site, go through short-lived caches. Every write here evicts what it changes
 * (for listings: every cached page, as one video may be on many), so this replica never serves a
 * stale record or page; another user-svc replica may for at most {@code cacheTtl}.
 */
public final class VideoRepository {
    private final DSLContext db;
    private final QuotaRepository quotas;
    private final Cache<Long, Read<Optional<VideoRecord>>> cache;
    private final Cache<Listing, Read<Page.Result<VideoRecord>>> listings;
    private final Duration cacheTtl;
    /** Bumped by every write: pages are cached per generation, see {@link #forgetPages()}. */
    private final AtomicLong generation = new AtomicLong();

    public VideoRepository(DSLContext db, QuotaRepository quotas, Duration cacheTtl, long cacheMaxEntries) {
        this.db = db;
        this.quotas = quotas;
        this.cacheTtl = cacheTtl;
        this.cache = Caffeine.newBuilder().expireAfterWrite(cacheTtl).maximumSize(cacheMaxEntries).build();
        // Weighed in records, so that pages hold no more of them than the single-record cache may.
        this.listings = Caffeine.newBuilder().expireAfterWrite(cacheTtl).maximumWeight(cacheMaxEntries)
                                .<Listing, Read<Page.Result<VideoRecord>>>weigher((key, page) -> page.value().rows().size() + 1)
                                .build();
    }

    /** Inserts a pending video, unless its author is at their videos quota (QUOTA_EXCEEDED). */
    public VideoRecord insert(long authorId, String author, String name, String description, Instant now) {
        long id = db.transactionResult(tx -> {
            quotas.requireVideoRoom(tx.dsl(), authorId);
            return tx.dsl().insertInto(VIDEOS)
                     .set(VIDEOS.AUTHOR_ID, authorId)
                     .set(VIDEOS.NAME, name)
                     .set(VIDEOS.DESCRIPTION, description)
                     .set(VIDEOS.STATE, VideoRecord.PENDING)
                     .set(VIDEOS.CREATED_AT, Times.toDb(now))
                     .returningResult(VIDEOS.ID)
                     .fetchOne(VIDEOS.ID);
        });
        cache.invalidate(id);
        forgetPages();
        return new VideoRecord(id, authorId, author, name, description, false, 0, "", now);
    }

    public Optional<VideoRecord> find(long videoId) {
        return cache.get(videoId, this::load).value();
    }

    /** As {@link #find}, with how long a caller may give the answer again (see {@link Reusable}). */
    public Reusable<Optional<VideoRecord>> findReusable(long videoId) {
        return reusable(cache.get(videoId, this::load));
    }

    /** Forgets records changed elsewhere, e.g. removed with their user, and every cached page. */
    public void evict(Iterable<Long> videoIds) {
        cache.invalidateAll(videoIds);
        forgetPages();
    }

    private Read<Optional<VideoRecord>> load(long videoId) {
        long readAt = System.nanoTime();
        return new Read<>(selectLive().where(VIDEOS.ID.eq(videoId).and(VIDEOS.DELETED_AT.isNull()))
                                      .fetchOptional(VideoRepository::toVideo), readAt);
    }

    /** A page of a user's videos, newest first; empty for an unknown user. */
    public Reusable<Page.Result<VideoRecord>> listByAuthor(String userName, Page page) {
        return reusable(listings.get(new Listing(generation.get(), userName, page),
                                     key -> load(USERS.USER_NAME.eq(userName), page)));
    }

    /** A page of every user's ready videos, newest first: the public feed. */
    public Reusable<Page.Result<VideoRecord>> listReady(Page page) {
        return reusable(listings.get(new Listing(generation.get(), null, page),
                                     key -> load(VIDEOS.STATE.eq(VideoRecord.READY), page)));
    }

    /**
     * An answer (a record, a page), and how much longer a caller may give it again without asking: the
     * rest of the cache TTL since it was read, so that no copy of it is older than that TTL.
     */
    public record Reusable<T>(T value, Duration reusableFor) {}

    /** A cached answer and when its read began (System.nanoTime, the caches' own ticker). */
    private record Read<T>(T value, long atNanos) {}

    private Read<Page.Result<VideoRecord>> load(Condition condition, Page page) {
        long readAt = System.nanoTime();
        return new Read<>(list(condition, page), readAt);
    }

    private <T> Reusable<T> reusable(Read<T> read) {
        Duration left = cacheTtl.minus(Duration.ofNanos(System.nanoTime() - read.atNanos()));
        return new Reusable<>(read.value(), left.isNegative() ? Duration.ZERO : left);
    }

    /** A page of the live videos matching {@code condition}, newest first. */
    private Page.Result<VideoRecord> list(Condition condition, Page page) {
        List<VideoRecord> rows = selectLive()
                .where(condition.and(VIDEOS.DELETED_AT.isNull()).and(VIDEOS.ID.lt(page.before())))
                .orderBy(VIDEOS.ID.desc())
                .limit(page.fetchSize())
                .fetch(VideoRepository::toVideo);
        return page.result(rows, VideoRecord::id);
    }

    /** Marks a video deleted and records, in the same transaction, that its file must go. */
    public boolean markDeleted(long videoId, Instant now) {
        boolean deleted = db.transactionResult(tx -> {
            boolean marked = tx.dsl().update(VIDEOS)
                               .set(VIDEOS.DELETED_AT, Times.toDb(now))
                               .where(VIDEOS.ID.eq(videoId).and(VIDEOS.DELETED_AT.isNull()))
                               .execute() == 1;
            if (marked) {
                DeletionOutbox.add(tx.dsl(), List.of(videoId), now);
            }
            return marked;
        });
        // After the write, so that no read racing it can cache the old row.
        cache.invalidate(videoId);
        forgetPages();
        return deleted;
    }

    /**
     * Records the video's stored file, unless it would take its author's stored bytes past their
     * quota (QUOTA_EXCEEDED); false if the video is gone.
     */
    public boolean markReady(long videoId, long size, String sha256) {
        boolean updated = db.transactionResult(tx -> {
            Optional<Long> authorId = tx.dsl().select(VIDEOS.AUTHOR_ID).from(VIDEOS)
                                        .where(VIDEOS.ID.eq(videoId).and(VIDEOS.DELETED_AT.isNull()))
                                        .fetchOptional(VIDEOS.AUTHOR_ID);
            if (authorId.isEmpty()) {
                return false;
            }
            quotas.requireStorage(tx.dsl(), authorId.get(), videoId, size);
            return tx.dsl().update(VIDEOS)
                     .set(VIDEOS.STATE, VideoRecord.READY)
                     .set(VIDEOS.FILE_SIZE, size)
                     .set(VIDEOS.SHA256, sha256)
                     .where(VIDEOS.ID.eq(videoId).and(VIDEOS.DELETED_AT.isNull()))
                     .execute() == 1;
        });
        cache.invalidate(videoId);
        forgetPages();
        return updated;
    }

    /**
     * Called after every write. A page still being read from before the write may be cached after
     * invalidateAll (which does not wait for loads under way), but under the old generation, which
     * no later read asks for.
     */
    private void forgetPages() {
        generation.incrementAndGet();
        listings.invalidateAll();
    }

    /** A cached page: of {@code author}'s videos, or of the public feed when null. */
    private record Listing(long generation, String author, Page page) {}

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
