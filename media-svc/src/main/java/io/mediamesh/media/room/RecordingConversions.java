package io.mediamesh.media.room;

import com.linecorp.armeria.common.util.ThreadFactories;
import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.VideoRoomRecording;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.media.file.SizeLimit;
import io.mediamesh.media.file.VideoFileStore;
import io.mediamesh.media.file.VideoFileUpload;
import io.mediamesh.media.file.VideoRecords;
import io.mediamesh.media.room.ConversionRepository.Job;
import io.mediamesh.media.room.ConversionRepository.Publisher;
import io.mediamesh.media.room.RoomRecordings.Entry;
import io.mediamesh.media.room.RecordingTools.ToolFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns ended video room recordings into videos of the room's owner. A job (queued with the
 * recording's end, see {@link RoomRepository#stopRecording}) lists the room's folder through its
 * server's nginx, takes the files Janus started within the recording's window, and for each
 * publisher: makes a PENDING video, downloads the .mjr files, extracts them with janus-pp-rec,
 * muxes them into one WebM with ffmpeg, and stores it through the video file store, which makes
 * the video READY (user-svc checks the owner's quota then).
 *
 * <p>One job at a time, on a thread of its own (conversions are long and use the CPU; never a
 * gRPC event loop or the blocking executor the RPCs need). A failure that may pass (nginx,
 * user-svc or the database down, a tool that cannot be started or runs too long) makes the whole
 * job pending again after a backoff, keeping what was done; a failure that will not pass (a file
 * the tools cannot read, the owner's quota, a deleted video) fails that publisher's video with
 * the reason. The .mjr files are only ever read.
 */
public final class RecordingConversions implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(RecordingConversions.class);
    private static final String WORK_FOLDER = ".recordings";
    private static final int COPY_BUFFER = 1024 * 1024;
    private static final DateTimeFormatter TITLE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                                                                         .withZone(ZoneOffset.UTC);
    private static final int MAX_TITLE = 64;
    private static final Set<ErrorCode> PERMANENT = Set.of(
            ErrorCode.QUOTA_EXCEEDED, ErrorCode.USER_NOT_FOUND, ErrorCode.VIDEO_NOT_FOUND,
            ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.UNSUPPORTED_MEDIA_TYPE, ErrorCode.INVALID_VIDEO_NAME,
            ErrorCode.INVALID_DESCRIPTION, ErrorCode.INVALID_USER_NAME, ErrorCode.INVALID_REQUEST);

    private final ConversionRepository repository;
    private final RoomRecordings recordings;
    private final VideoRecords videos;
    private final VideoFileStore store;
    private final RecordingTools tools;
    private final ConversionSettings settings;
    private final long maxSize;
    private final Clock clock;
    private final HttpClient http;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
            ThreadFactories.newThreadFactory("media-svc-recordings", true));
    private final AtomicBoolean woken = new AtomicBoolean();
    private volatile boolean started;
    private volatile boolean closing;

    /** @param maxSize the largest video file kept (an upload's limit) */
    public RecordingConversions(ConversionRepository repository, RoomRecordings recordings, VideoRecords videos,
                                VideoFileStore store, ConversionSettings settings, long maxSize, Clock clock) {
        this.repository = repository;
        this.recordings = recordings;
        this.videos = videos;
        this.store = store;
        this.settings = settings;
        this.maxSize = maxSize;
        this.clock = clock;
        this.tools = new RecordingTools(settings.janusPpRec(), settings.ffmpeg(), settings.toolTimeout());
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                              .connectTimeout(settings.toolTimeout()).build();
    }

    /** Looks for due jobs now, then every poll interval. */
    public void start() {
        started = true;
        worker.scheduleWithFixedDelay(this::runDue, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A recording ended here: its job runs without waiting for the next poll (once started). */
    public void wake() {
        if (started && !closing && woken.compareAndSet(false, true)) {
            try {
                worker.execute(this::runDue);
            } catch (RejectedExecutionException e) {
                // Closing: the job waits in the schema for the next start.
            }
        }
    }

    /** Runs due jobs until there are none. Worker thread only. */
    private void runDue() {
        woken.set(false);
        try {
            Optional<Job> job;
            while (!closing && (job = repository.claim(clock.instant(), settings.lease())).isPresent()) {
                run(job.get());
            }
        } catch (RuntimeException e) {
            logger.warn("Looking for recordings to convert failed; retried next interval", e);
        }
    }

    private void run(Job job) {
        Path work = store.root().resolve(WORK_FOLDER).resolve(Long.toString(job.id()));
        try {
            deleteTree(work);
            Files.createDirectories(work);
            boolean failed = false;
            Map<Long, List<Entry>> publishers = publishers(job);
            int number = 0;
            for (Map.Entry<Long, List<Entry>> publisher : publishers.entrySet()) {
                String title = title(job, publishers.size() > 1 ? " #" + ++number : "");
                failed |= convert(job, publisher.getKey(), publisher.getValue(), title, work);
            }
            repository.finish(job.id(), failed, "");
            logger.info("Converted the recording {} of room {}{}", job.id(), job.roomId(),
                        failed ? ", some publishers' files failed" : "");
        } catch (RuntimeException | IOException e) {
            String why = describe(e);
            if (closing) {
                // The interrupt that stopped the tool must not also cut the statement that gives the job back.
                Thread.interrupted();
                repository.release(job.id(), clock.instant());
                logger.info("Conversion {} of room {} stopped by shutdown; it is taken again", job.id(), job.roomId());
            } else if (job.attempts() >= settings.maxAttempts()) {
                repository.finish(job.id(), true, "Given up after " + job.attempts() + " attempts: " + why);
                logger.warn("Gave up converting recording {} of room {}: {}", job.id(), job.roomId(), why);
            } else {
                Instant next = clock.instant().plus(settings.backoff(job.attempts()));
                repository.retry(job.id(), next, why);
                logger.info("Converting recording {} of room {} failed (attempt {}), retried at {}: {}", job.id(),
                            job.roomId(), job.attempts(), next, why);
            }
        } finally {
            try {
                deleteTree(work);
            } catch (IOException e) {
                logger.warn("Cannot remove the work folder {}", work, e);
            }
        }
    }

    /** The recording's files by publisher: those Janus named after a participant, started within its window. */
    private Map<Long, List<Entry>> publishers(Job job) {
        long from = micros(job.startedAt());
        long to = micros(job.endedAt());
        Map<Long, List<Entry>> byPublisher = new TreeMap<>();
        for (Entry entry : recordings.files(job.serverId(), job.roomId())) {
            long participant = entry.file().getParticipantId();
            if (participant > 0 && entry.startedMicros() >= from && entry.startedMicros() <= to) {
                byPublisher.computeIfAbsent(participant, p -> new ArrayList<>()).add(entry);
            }
        }
        return byPublisher;
    }

    /**
     * Converts one publisher's files into their video, unless done before; returns whether it
     * failed for good. Failures that may pass are thrown.
     */
    private boolean convert(Job job, long participantId, List<Entry> files, String title, Path work)
            throws IOException {
        Publisher publisher = repository.publisher(job.id(), participantId);
        if (publisher.finished()) {
            return publisher.failed();
        }
        long videoId = publisher.videoId();
        try {
            if (videoId == 0) {
                videoId = videos.createForOwner(job.ownerName(), title, description(job, participantId)).getId();
                repository.setVideo(job.id(), participantId, videoId);
            }
            Path webm = extractAndMux(job, participantId, files, work);
            store(videoId, webm);
            repository.publisherDone(job.id(), participantId, videoId);
            return false;
        } catch (RuntimeException e) {
            if (!permanent(e)) {
                throw e;
            }
            String why = describe(e);
            repository.publisherFailed(job.id(), participantId, videoId, why);
            logger.warn("The recording {} of participant {} in room {} cannot be converted: {}", job.id(),
                        participantId, job.roomId(), why);
            return true;
        }
    }

    private Path extractAndMux(Job job, long participantId, List<Entry> files, Path work) throws IOException {
        Optional<Path> video = extract(job, first(files, "video"), work.resolve(participantId + "-video.webm"), work);
        Optional<Path> audio = extract(job, first(files, "audio"), work.resolve(participantId + "-audio.opus"), work);
        if (video.isEmpty() && audio.isEmpty()) {
            throw new ToolFailure(true, "The recording holds neither audio nor video.");
        }
        Path muxed = work.resolve(participantId + ".webm");
        keepLease(job);
        tools.mux(video, audio, muxed);
        return muxed;
    }

    /** Keeps the job this worker's for a lease from now: each step ends within the tool timeout, shorter. */
    private void keepLease(Job job) {
        repository.renew(job.id(), clock.instant().plus(settings.lease()));
    }

    /** The publisher's first stream of a media (by Janus's name: the lowest mindex); others are left out. */
    private static Optional<Entry> first(List<Entry> files, String media) {
        return files.stream().filter(e -> media.equals(e.file().getMedia()))
                    .min(Comparator.comparing(e -> e.file().getFileName()));
    }

    private Optional<Path> extract(Job job, Optional<Entry> entry, Path target, Path work) throws IOException {
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        Path mjr = work.resolve(target.getFileName() + ".mjr");
        keepLease(job);
        download(entry.get().file(), mjr);
        keepLease(job);
        tools.extract(mjr, target);
        return Optional.of(target);
    }

    /** Copies one .mjr from the server's nginx (the signed link media-svc made for itself). */
    private void download(VideoRoomRecording file, Path to) throws IOException {
        HttpResponse<Path> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(file.getUrl())).timeout(settings.toolTimeout())
                                            .build(), HttpResponse.BodyHandlers.ofFile(to));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while downloading " + file.getFileName());
        }
        if (response.statusCode() != 200) {
            // Its URL is an internal address: the name is enough.
            throw new IOException("The server's nginx answered HTTP " + response.statusCode() + " for " +
                                  file.getFileName());
        }
    }

    /** Stores the WebM as the video's file, checked like an upload; user-svc marks it READY. */
    private void store(long videoId, Path webm) throws IOException {
        try (VideoFileUpload upload = store.startUpload(videoId, SizeLimit.of(maxSize));
             FileChannel in = FileChannel.open(webm)) {
            ByteBuffer buffer = ByteBuffer.allocate(COPY_BUFFER);
            while (in.read(buffer.clear()) > 0) {
                upload.write(buffer.flip());
            }
            store.commit(upload, videos::markReadyAsService);
        }
    }

    private static boolean permanent(RuntimeException e) {
        if (e instanceof ToolFailure failure) {
            return failure.permanent();
        }
        if (e instanceof MediameshException m) {
            return PERMANENT.contains(m.code());
        }
        return e instanceof StatusRuntimeException && ErrorCatalog.reasonOf(e).map(PERMANENT::contains).orElse(false);
    }

    private static String describe(Exception e) {
        if (e instanceof StatusRuntimeException status) {
            String description = status.getStatus().getDescription();
            return "user-svc: " + (description == null ? status.getStatus().getCode().name() : description);
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /**
     * "Recording of <room description> <start><suffix>", within a video name's 64 characters; the
     * suffix tells apart the videos of a recording with several publishers.
     */
    static String title(Job job, String suffix) {
        String when = ' ' + TITLE_TIME.format(job.startedAt()) + suffix;
        String prefix = "Recording of ";
        String room = job.roomDescription().isBlank() ? "room " + job.roomId() : job.roomDescription().strip();
        int roomRoom = MAX_TITLE - prefix.length() - when.length();
        if (room.codePointCount(0, room.length()) > roomRoom) {
            room = room.substring(0, room.offsetByCodePoints(0, roomRoom - 1)) + '\u2026';
        }
        return prefix + room + when;
    }

    private static String description(Job job, long participantId) {
        return "Room " + job.roomId() + (job.roomDescription().isBlank() ? "" : " (" + job.roomDescription() + ')') +
               ", publisher " + participantId + ", recorded from " + job.startedAt() + " to " + job.endedAt() + '.';
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000;
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (var paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Stops the worker: a conversion under way is cut off (its tool stopped) and its job given back,
     * pending, for the next start (or another replica) to take at once.
     */
    @Override
    public void close() {
        closing = true;
        worker.shutdownNow();
        try {
            if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
                logger.warn("The recording conversion worker did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
