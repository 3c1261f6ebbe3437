package io.mediamesh.media.room;

import static io.mediamesh.media.db.Tables.RECORDING_CONVERSIONS;
import static io.mediamesh.media.db.Tables.RECORDING_CONVERSION_VIDEOS;

import io.mediamesh.api.v1.RecordingConversion;
import io.mediamesh.api.v1.RecordingConversionState;
import io.mediamesh.common.time.Times;
import io.mediamesh.media.db.tables.records.RecordingConversionsRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;

/**
 * The recording_conversions and recording_conversion_videos tables: ended recordings waiting to
 * become videos (queued by {@link RoomRepository} in the transaction that ends them), claimed by
 * one worker at a time under a lease, and what became of each publisher's files.
 */
public final class ConversionRepository {
    static final int MAX_ERROR = 2000;
    private static final String PENDING = "pending";
    private static final String RUNNING = "running";
    private static final String DONE = "done";
    private static final String FAILED = "failed";

    private final DSLContext db;

    public ConversionRepository(DSLContext db) {
        this.db = db;
    }

    /** A queued recording: the room's folder on its server, and the window its files were started in. */
    record Job(long id, long roomId, long serverId, String ownerName, String roomDescription, Instant startedAt,
               Instant endedAt, int attempts) {}

    /** One publisher's files of a recording: the owner's video they become (0 until made). */
    record Publisher(long participantId, long videoId, String state, String error) {
        boolean finished() {
            return DONE.equals(state) || FAILED.equals(state);
        }

        boolean failed() {
            return FAILED.equals(state);
        }
    }

    /**
     * Takes the oldest due job, pending or cut off (running past its lease), for {@code lease};
     * {@code FOR UPDATE SKIP LOCKED}, so replicas take different jobs.
     */
    Optional<Job> claim(Instant now, Duration lease) {
        LocalDateTime at = Times.toDb(now);
        return db.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            RecordingConversionsRecord row = tx.selectFrom(RECORDING_CONVERSIONS)
                    .where(RECORDING_CONVERSIONS.STATE.eq(PENDING).and(RECORDING_CONVERSIONS.NEXT_ATTEMPT_AT.le(at))
                                   .or(RECORDING_CONVERSIONS.STATE.eq(RUNNING)
                                                                  .and(RECORDING_CONVERSIONS.LEASE_UNTIL.lt(at))))
                    .orderBy(RECORDING_CONVERSIONS.ID).limit(1).forUpdate().skipLocked().fetchOne();
            if (row == null) {
                return Optional.empty();
            }
            int attempts = row.getAttempts() + 1;
            tx.update(RECORDING_CONVERSIONS).set(RECORDING_CONVERSIONS.STATE, RUNNING)
              .set(RECORDING_CONVERSIONS.ATTEMPTS, attempts)
              .set(RECORDING_CONVERSIONS.LEASE_UNTIL, Times.toDb(now.plus(lease)))
              .where(RECORDING_CONVERSIONS.ID.eq(row.getId())).execute();
            return Optional.of(new Job(row.getId(), row.getRoomId(), row.getServerId(), row.getOwnerName(),
                                       row.getRoomDescription(), Times.fromDb(row.getStartedAt()),
                                       Times.fromDb(row.getEndedAt()), attempts));
        });
    }

    /** Keeps a running job its worker's until {@code until}. */
    void renew(long jobId, Instant until) {
        db.update(RECORDING_CONVERSIONS).set(RECORDING_CONVERSIONS.LEASE_UNTIL, Times.toDb(until))
          .where(RECORDING_CONVERSIONS.ID.eq(jobId)).execute();
    }

    /** The job is over: every publisher's files done or failed ({@code failed}: some failed, or given up). */
    void finish(long jobId, boolean failed, String error) {
        db.update(RECORDING_CONVERSIONS).set(RECORDING_CONVERSIONS.STATE, failed ? FAILED : DONE)
          .set(RECORDING_CONVERSIONS.LEASE_UNTIL, (LocalDateTime) null)
          .set(RECORDING_CONVERSIONS.ERROR, clip(error))
          .where(RECORDING_CONVERSIONS.ID.eq(jobId)).execute();
    }

    /** The attempt failed in a way that may pass: pending again from {@code at}. */
    void retry(long jobId, Instant at, String error) {
        db.update(RECORDING_CONVERSIONS).set(RECORDING_CONVERSIONS.STATE, PENDING)
          .set(RECORDING_CONVERSIONS.LEASE_UNTIL, (LocalDateTime) null)
          .set(RECORDING_CONVERSIONS.NEXT_ATTEMPT_AT, Times.toDb(at))
          .set(RECORDING_CONVERSIONS.ERROR, clip(error))
          .where(RECORDING_CONVERSIONS.ID.eq(jobId)).execute();
    }

    /** Gives a job back unfinished (its worker stops), for any worker to take at once. */
    void release(long jobId, Instant now) {
        db.update(RECORDING_CONVERSIONS).set(RECORDING_CONVERSIONS.STATE, PENDING)
          .set(RECORDING_CONVERSIONS.LEASE_UNTIL, (LocalDateTime) null)
          .set(RECORDING_CONVERSIONS.NEXT_ATTEMPT_AT, Times.toDb(now))
          .where(RECORDING_CONVERSIONS.ID.eq(jobId).and(RECORDING_CONVERSIONS.STATE.eq(RUNNING))).execute();
    }

    /** A publisher's row of the job, made (pending, no video yet) the first time it is asked for. */
    Publisher publisher(long jobId, long participantId) {
        db.insertInto(RECORDING_CONVERSION_VIDEOS)
          .set(RECORDING_CONVERSION_VIDEOS.CONVERSION_ID, jobId)
          .set(RECORDING_CONVERSION_VIDEOS.PARTICIPANT_ID, participantId)
          .set(RECORDING_CONVERSION_VIDEOS.VIDEO_ID, 0L)
          .set(RECORDING_CONVERSION_VIDEOS.STATE, PENDING)
          .set(RECORDING_CONVERSION_VIDEOS.ERROR, "")
          .onDuplicateKeyIgnore()
          .execute();
        return db.selectFrom(RECORDING_CONVERSION_VIDEOS).where(publisherIs(jobId, participantId))
                 .fetchOne(r -> new Publisher(r.getParticipantId(), r.getVideoId(), r.getState(), r.getError()));
    }

    void setVideo(long jobId, long participantId, long videoId) {
        updatePublisher(jobId, participantId, PENDING, "", videoId);
    }

    void publisherDone(long jobId, long participantId, long videoId) {
        updatePublisher(jobId, participantId, DONE, "", videoId);
    }

    void publisherFailed(long jobId, long participantId, long videoId, String error) {
        updatePublisher(jobId, participantId, FAILED, error, videoId);
    }

    private void updatePublisher(long jobId, long participantId, String state, String error, long videoId) {
        db.update(RECORDING_CONVERSION_VIDEOS).set(RECORDING_CONVERSION_VIDEOS.STATE, state)
          .set(RECORDING_CONVERSION_VIDEOS.ERROR, clip(error))
          .set(RECORDING_CONVERSION_VIDEOS.VIDEO_ID, videoId)
          .where(publisherIs(jobId, participantId))
          .execute();
    }

    private static Condition publisherIs(long jobId, long participantId) {
        return RECORDING_CONVERSION_VIDEOS.CONVERSION_ID.eq(jobId)
               .and(RECORDING_CONVERSION_VIDEOS.PARTICIPANT_ID.eq(participantId));
    }

    /** The ended recordings of a room with their publishers, to tell what became of each file. */
    Conversions ofRoom(long roomId) {
        List<RecordingConversionsRecord> jobs = db.selectFrom(RECORDING_CONVERSIONS)
                                                 .where(RECORDING_CONVERSIONS.ROOM_ID.eq(roomId)).fetch();
        Map<Long, Map<Long, Publisher>> publishers = db
                .selectFrom(RECORDING_CONVERSION_VIDEOS)
                .where(RECORDING_CONVERSION_VIDEOS.CONVERSION_ID.in(jobs.stream().map(RecordingConversionsRecord::getId)
                                                                        .toList()))
                .fetch().stream()
                .collect(Collectors.groupingBy(r -> r.getConversionId(), Collectors.toMap(
                        r -> r.getParticipantId(),
                        r -> new Publisher(r.getParticipantId(), r.getVideoId(), r.getState(), r.getError()))));
        return new Conversions(jobs.stream().map(job -> new Conversions.Ended(
                micros(job.getStartedAt()), micros(job.getEndedAt()), job.getState(), job.getAttempts(), job.getError(),
                publishers.getOrDefault(job.getId(), Map.of()))).toList());
    }

    private static long micros(LocalDateTime at) {
        Instant instant = Times.fromDb(at);
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000;
    }

    private static String clip(String error) {
        return error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR - 3) + "...";
    }

    /** A room's ended recordings, as the recordings list tells them. */
    record Conversions(List<Ended> ended) {
        record Ended(long fromMicros, long toMicros, String state, int attempts, String error,
                     Map<Long, Publisher> publishers) {}

        /** What became of a publisher's file Janus started at {@code startedMicros}; empty while it records. */
        Optional<RecordingConversion> of(long participantId, long startedMicros) {
            for (Ended job : ended) {
                if (startedMicros < job.fromMicros || startedMicros > job.toMicros) {
                    continue;
                }
                RecordingConversion.Builder out = RecordingConversion.newBuilder().setAttempts(job.attempts);
                Publisher publisher = job.publishers.get(participantId);
                if (publisher != null) {
                    out.setVideoId(publisher.videoId());
                }
                if (publisher != null && publisher.finished()) {
                    return Optional.of(out.setState(publisher.failed()
                                                    ? RecordingConversionState.RECORDING_CONVERSION_STATE_FAILED
                                                    : RecordingConversionState.RECORDING_CONVERSION_STATE_DONE)
                                          .setError(publisher.error()).build());
                }
                return Optional.of(out.setState(switch (job.state) {
                    case RUNNING -> RecordingConversionState.RECORDING_CONVERSION_STATE_RUNNING;
                    case FAILED -> RecordingConversionState.RECORDING_CONVERSION_STATE_FAILED;
                    case DONE -> RecordingConversionState.RECORDING_CONVERSION_STATE_DONE;
                    default -> RecordingConversionState.RECORDING_CONVERSION_STATE_PENDING;
                }).setError(job.error).build());
            }
            return Optional.empty();
        }
    }
}
