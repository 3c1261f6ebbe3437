package io.mediamesh.media.upload;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.media.file.SizeLimit;
import io.mediamesh.media.file.VideoFileStore;
import io.mediamesh.media.file.VideoFileUpload;
import io.mediamesh.media.fileserver.ClientGone;
import io.mediamesh.media.fileserver.CrossSiteRule;
import io.mediamesh.media.fileserver.Exchange;
import io.mediamesh.media.fileserver.Failures;
import io.mediamesh.media.fileserver.FileRoute;
import io.mediamesh.media.fileserver.RequestSession;
import io.mediamesh.media.fileserver.TransferLimits;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumable uploads, tus 1.0.0 (core, creation, termination, checksum), under {@code /upload/resumable}:
 * the video's owner creates an upload naming the video ({@code Upload-Metadata: vid ...}), then sends
 * its bytes in as many PATCHes as it takes; a PATCH cut short keeps what arrived, and HEAD tells where
 * to go on from. The whole file is hashed and checked (size limit, container) as with a plain upload,
 * and the video becomes READY only when the last byte arrived and checked out. Only the creator (or an
 * admin) may continue, read or abandon an upload. An upload nobody touched for {@code expireAfter} is
 * gone (404) and its bytes removed.
 *
 * <p>Between PATCHes an upload holds no file handle, only a {@link VideoFileUpload.Checkpoint} of its
 * hash (a few hundred bytes); after a restart the checkpoint is rebuilt by hashing the bytes received
 * so far once. One PATCH of an upload runs at a time, across every media-svc sharing the video folder
 * ({@link VideoFileStore#tryLockResumable}); another is told UPLOAD_IN_PROGRESS.
 */
public final class ResumableUploads implements FileRoute {
    static final String TUS_VERSION = "1.0.0";
    private static final Logger logger = LoggerFactory.getLogger(ResumableUploads.class);
    private static final String BASE = "/upload/resumable";
    private static final Pattern UPLOAD = Pattern.compile("/upload/resumable/([0-9a-f]{32})");
    private static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";
    /** tus algorithm names and the JDK's. */
    private static final Map<String, String> CHECKSUMS = Map.of("sha1", "SHA-1", "sha256", "SHA-256", "md5", "MD5");
    private static final Pattern METADATA_PAIR = Pattern.compile("([!#-+\\--~]+)(?: ([A-Za-z0-9+/=]*))?");
    private static final int MAX_METADATA = 2048;
    private static final int MAX_CHECKPOINTS = 10_000;
    private static final int SWEEP_BATCH = 500;

    private final VideoFileStore store;
    private final UploadAuthority authority;
    private final ResumableUploadRepository repository;
    private final TransferLimits limits;
    private final Executor blocking;
    private final long maxSize;
    private final Duration expireAfter;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Checkpoints of uploads between PATCHes; one evicted is rebuilt from the file. */
    private final Cache<String, VideoFileUpload.Checkpoint> checkpoints =
            Caffeine.newBuilder().maximumSize(MAX_CHECKPOINTS).build();

    public ResumableUploads(VideoFileStore store, UploadAuthority authority, DSLContext db, TransferLimits limits,
                            Executor blocking, long maxSize, Duration expireAfter, Clock clock) {
        this.store = store;
        this.authority = authority;
        this.repository = new ResumableUploadRepository(db);
        this.limits = limits;
        this.blocking = blocking;
        this.maxSize = maxSize;
        this.expireAfter = expireAfter;
        this.clock = clock;
    }

    @Override
    public boolean handles(String rawPath) {
        return rawPath.equals(BASE) || rawPath.startsWith(BASE + '/');
    }

    @Override
    public void serve(Exchange exchange) {
        HttpMethod method = exchange.method();
        if (method.equals(HttpMethod.OPTIONS)) {
            options(exchange);
            return;
        }
        String version = exchange.headers().get("Tus-Resumable");
        if (!TUS_VERSION.equals(version)) {
            exchange.respondError(ErrorCode.UNSUPPORTED_PROTOCOL_VERSION,
                                  "This server speaks tus " + TUS_VERSION + " (Tus-Resumable), not " + version + '.',
                                  tusHeaders().set("Tus-Version", TUS_VERSION));
            return;
        }
        if (exchange.rawPath().equals(BASE)) {
            if (method.equals(HttpMethod.POST)) {
                create(exchange);
            } else {
                notAllowed(exchange, "POST, OPTIONS");
            }
            return;
        }
        Matcher upload = UPLOAD.matcher(exchange.rawPath());
        if (!upload.matches()) {
            exchange.respondError(ErrorCode.UPLOAD_NOT_FOUND, "No upload at this URL.", tusHeaders());
            return;
        }
        String id = upload.group(1);
        if (method.equals(HttpMethod.HEAD)) {
            head(exchange, id);
        } else if (method.equals(HttpMethod.PATCH)) {
            patch(exchange, id);
        } else if (method.equals(HttpMethod.DELETE)) {
            delete(exchange, id);
        } else {
            notAllowed(exchange, "HEAD, PATCH, DELETE, OPTIONS");
        }
    }

    /** Removes the uploads that expired, and their bytes (housekeeping). */
    public int sweepExpired() {
        int removed = 0;
        for (String id : repository.expired(clock.instant(), SWEEP_BATCH)) {
            Optional<VideoFileStore.ResumableLock> lock = store.tryLockResumable(id);
            if (lock.isPresent()) {
                try (VideoFileStore.ResumableLock held = lock.get()) {
                    forget(id);
                    removed++;
                }
            }
        }
        return removed;
    }

    private void options(Exchange exchange) {
        HttpHeaders headers = tusHeaders().set("Tus-Version", TUS_VERSION)
                                          .set("Tus-Extension", "creation,termination,checksum")
                                          .set("Tus-Max-Size", maxSize)
                                          .set("Tus-Checksum-Algorithm", String.join(",", CHECKSUMS.keySet()));
        exchange.respondEmpty(response(HttpResponseStatus.NO_CONTENT, headers));
    }

    private void create(Exchange exchange) {
        HttpHeaders request = exchange.headers();
        long length;
        long videoId;
        String metadata = Optional.ofNullable(request.get("Upload-Metadata")).orElse("");
        try {
            if (request.contains("Upload-Defer-Length")) {
                throw invalid("Upload-Defer-Length is not supported: give Upload-Length.");
            }
            length = nonNegative(request.get("Upload-Length"), "Upload-Length");
            if (length == 0) {
                throw Uploads.empty();
            }
            if (length > maxSize) {
                throw VideoFileUpload.tooLarge(maxSize);
            }
            videoId = videoIdOf(metadata);
        } catch (MediameshException e) {
            Failures.respond(exchange, e, tusHeaders());
            return;
        }
        String session = RequestSession.idOf(request);
        answer(exchange, CompletableFuture.supplyAsync(() -> {
            CrossSiteRule.check(request);
            UploadAuthority.Grant grant = authority.authorize(session, videoId);
            // The whole length must fit what the owner's quota leaves; the end checks it again.
            SizeLimit limit = grant.sizeLimit(maxSize);
            limit.check(length);
            Instant now = clock.instant();
            ResumableUpload upload = new ResumableUpload(newId(), videoId, grant.userId(), length, metadata, now,
                                                         now.plus(expireAfter));
            VideoFileUpload file = store.startResumable(videoId, limit, upload.id());
            try {
                checkpoints.put(upload.id(), file.checkpoint());
                file.suspend();
                repository.insert(upload);
            } catch (RuntimeException e) {
                file.close();
                checkpoints.invalidate(upload.id());
                throw e;
            }
            return response(HttpResponseStatus.CREATED,
                            tusHeaders().set(HttpHeaderNames.LOCATION, BASE + '/' + upload.id())
                                        .set("Upload-Expires", date(upload.expiresAt())));
        }, blocking));
    }

    private void head(Exchange exchange, String id) {
        String session = RequestSession.idOf(exchange.headers());
        answer(exchange, CompletableFuture.supplyAsync(() -> {
            ResumableUpload upload = ownUpload(session, id);
            HttpHeaders headers = tusHeaders().set("Upload-Offset", store.resumableSize(id))
                                              .set("Upload-Length", upload.length())
                                              .set("Upload-Expires", date(upload.expiresAt()))
                                              .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
            if (!upload.metadata().isEmpty()) {
                headers.set("Upload-Metadata", upload.metadata());
            }
            return response(HttpResponseStatus.OK, headers);
        }, blocking));
    }

    private void delete(Exchange exchange, String id) {
        String session = RequestSession.idOf(exchange.headers());
        answer(exchange, CompletableFuture.supplyAsync(() -> {
            Principal caller = authority.authenticate(session);
            ownUpload(caller, id);
            VideoFileStore.ResumableLock lock = store.tryLockResumable(id).orElseThrow(ResumableUploads::inProgress);
            try (lock) {
                // Again under the lock: a PATCH elsewhere may have finished it meanwhile.
                ownUpload(caller, id);
                forget(id);
            }
            return response(HttpResponseStatus.NO_CONTENT, tusHeaders());
        }, blocking));
    }

    private void patch(Exchange exchange, String id) {
        HttpHeaders request = exchange.headers();
        long offset;
        Optional<Checksum> checksum;
        try {
            String type = request.get(HttpHeaderNames.CONTENT_TYPE);
            if (type == null || !type.split(";", 2)[0].trim().equalsIgnoreCase(OFFSET_OCTET_STREAM)) {
                throw new MediameshException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                                             "A PATCH's body must be " + OFFSET_OCTET_STREAM + '.');
            }
            offset = nonNegative(request.get("Upload-Offset"), "Upload-Offset");
            checksum = Checksum.parse(request.get("Upload-Checksum"));
        } catch (MediameshException e) {
            Failures.respond(exchange, e, tusHeaders());
            return;
        }
        String session = RequestSession.idOf(request);
        long declared = exchange.declaredLength();
        CompletableFuture.supplyAsync(() -> claim(session, id, offset, declared), blocking)
                         .whenComplete((patch, failure) -> {
                             if (failure != null) {
                                 Failures.respond(exchange, failure, tusHeaders());
                             } else if (!limits.admitUpload(exchange, Uploads.client(patch.caller().getUserId()))) {
                                 patch.lock().close();
                             } else {
                                 receive(exchange, patch, session, checksum);
                             }
                         });
    }

    /** Checks the caller and the offset, and makes the PATCH the upload's only one until it ends. */
    private Patch claim(String session, String id, long offset, long declaredLength) {
        Principal caller = authority.authenticate(session);
        ownUpload(caller, id);
        VideoFileStore.ResumableLock lock = store.tryLockResumable(id).orElseThrow(ResumableUploads::inProgress);
        try {
            // Read again under the lock: a PATCH elsewhere may have finished or abandoned it meanwhile.
            ResumableUpload upload = ownUpload(caller, id);
            long current = store.resumableSize(id);
            if (offset != current) {
                throw new MediameshException(ErrorCode.UPLOAD_OFFSET_MISMATCH,
                                             "The upload is at byte " + current + ", not " + offset + '.');
            }
            if (declaredLength > upload.length() - current) {
                throw invalid("The body would take the upload past its Upload-Length of " + upload.length() + '.');
            }
            return new Patch(upload, caller, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private void receive(Exchange exchange, Patch patch, String session, Optional<Checksum> checksum) {
        ResumableUpload upload = patch.upload();
        CompletableFuture.supplyAsync(() -> store.resumeResumable(upload.videoId(), SizeLimit.of(maxSize), upload.id(),
                                                                  Optional.ofNullable(
                                                                          checkpoints.getIfPresent(upload.id()))),
                                      blocking)
                         .thenCompose(file -> {
                             VideoFileUpload.Checkpoint before = file.checkpoint();
                             Optional<MessageDigest> chunkDigest = checksum.map(Checksum::newDigest);
                             return BodyPump.start(exchange, blocking, bytes -> {
                                 if (file.size() + bytes.remaining() > upload.length()) {
                                     throw invalid("The body takes the upload past its Upload-Length of " +
                                                   upload.length() + '.');
                                 }
                                 chunkDigest.ifPresent(d -> d.update(bytes.duplicate()));
                                 file.write(bytes);
                             }).done().handleAsync((size, failure) -> settle(patch, session, file, before, checksum,
                                                                               chunkDigest, failure), blocking);
                         })
                         .whenComplete((response, failure) -> {
                             patch.lock().close();
                             if (failure != null) {
                                 Failures.respond(exchange, failure, tusHeaders());
                             } else {
                                 exchange.respondEmpty(response);
                             }
                         });
    }

    /** After a PATCH's body: keep, take back or finish what it brought. Throws what the client is told. */
    private HttpResponse settle(Patch patch, String session, VideoFileUpload file, VideoFileUpload.Checkpoint before,
                                Optional<Checksum> checksum, Optional<MessageDigest> chunkDigest, Throwable failure) {
        String id = patch.upload().id();
        if (failure != null) {
            Throwable cause = Uploads.unwrap(failure);
            if (Uploads.codeOf(cause).orElse(null) == ErrorCode.UNSUPPORTED_MEDIA_TYPE) {
                // Not a video: nothing of it is worth keeping.
                file.close();
                forget(id);
                throw (RuntimeException) cause;
            }
            // Unchecked bytes are not kept: a body with a checksum is all or nothing.
            if (checksum.isPresent() || !(cause instanceof ClientGone)) {
                file.rollback(before);
            }
            keep(id, file);
            throw cause instanceof RuntimeException e ? e : new IllegalStateException(cause);
        }
        if (checksum.isPresent() && !checksum.get().matches(chunkDigest.get())) {
            file.rollback(before);
            keep(id, file);
            throw new MediameshException(ErrorCode.CHECKSUM_MISMATCH, "The body does not match its Upload-Checksum; " +
                                         "it was discarded, the upload is still at byte " + before.size() + '.');
        }
        if (file.size() == patch.upload().length()) {
            finish(patch.upload(), session, file);
            return response(HttpResponseStatus.NO_CONTENT, tusHeaders().set("Upload-Offset", file.size()));
        }
        keep(id, file);
        Instant expires = clock.instant().plus(expireAfter);
        repository.extend(id, expires);
        return response(HttpResponseStatus.NO_CONTENT, tusHeaders().set("Upload-Offset", file.size())
                                                                   .set("Upload-Expires", date(expires)));
    }

    /** The last byte arrived: the file takes the video's place, the video becomes READY, the upload ends. */
    private void finish(ResumableUpload upload, String session, VideoFileUpload file) {
        try {
            UploadAuthority.Grant grant = authority.authorize(session, upload.videoId());
            store.commit(file, grant::markReady);
            file.close();
            checkpoints.invalidate(upload.id());
            repository.delete(upload.id());
        } catch (RuntimeException e) {
            if (Uploads.codeOf(e).orElse(null) == ErrorCode.SERVICE_UNAVAILABLE) {
                // Kept whole: an empty PATCH at the end finishes it once user-svc answers again.
                checkpoints.invalidate(upload.id());
                throw e;
            }
            logger.info("Resumable upload {} of video {} refused at its end: {}", upload.id(), upload.videoId(),
                        e.getMessage());
            file.close();
            forget(upload.id());
            throw e;
        }
    }

    private void keep(String id, VideoFileUpload file) {
        file.suspend();
        checkpoints.put(id, file.checkpoint());
    }

    private void forget(String id) {
        checkpoints.invalidate(id);
        repository.delete(id);
        store.deleteResumable(id);
    }

    private ResumableUpload ownUpload(String session, String id) {
        return ownUpload(authority.authenticate(session), id);
    }

    private ResumableUpload ownUpload(Principal caller, String id) {
        ResumableUpload upload = repository.findLive(id, clock.instant()).orElseThrow(
                () -> new MediameshException(ErrorCode.UPLOAD_NOT_FOUND,
                                             "No upload at this URL: never made, finished, abandoned or expired."));
        if (upload.ownerId() != caller.getUserId() && !Callers.isAdmin(caller)) {
            throw new MediameshException(ErrorCode.PERMISSION_DENIED, "This upload is someone else's.");
        }
        return upload;
    }

    private void answer(Exchange exchange, CompletableFuture<HttpResponse> response) {
        response.whenComplete((answer, failure) -> {
            if (failure != null) {
                Failures.respond(exchange, failure, tusHeaders());
            } else {
                exchange.respondEmpty(answer);
            }
        });
    }

    private static void notAllowed(Exchange exchange, String allowed) {
        exchange.respondError(ErrorCode.METHOD_NOT_ALLOWED, "Not a method of this URL.",
                              tusHeaders().set(HttpHeaderNames.ALLOW, allowed));
    }

    private static HttpResponse response(HttpResponseStatus status, HttpHeaders headers) {
        HttpResponse response = Exchange.headersOnly(status);
        response.headers().set(headers);
        if (!status.equals(HttpResponseStatus.NO_CONTENT)) {
            HttpUtil.setContentLength(response, 0);
        }
        return response;
    }

    private static HttpHeaders tusHeaders() {
        return new DefaultHttpHeaders().set("Tus-Resumable", TUS_VERSION);
    }

    private String newId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String date(Instant instant) {
        return DateFormatter.format(Date.from(instant));
    }

    private static long nonNegative(String value, String header) {
        if (value == null) {
            throw invalid(header + " is required.");
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw invalid(header + " must be a non-negative integer.");
    }

    /** The {@code vid} of an Upload-Metadata header: {@code key base64value} pairs, comma-separated. */
    private static long videoIdOf(String metadata) {
        if (metadata.length() > MAX_METADATA) {
            throw invalid("Upload-Metadata is longer than " + MAX_METADATA + " characters.");
        }
        for (String pair : metadata.split(",")) {
            Matcher matcher = METADATA_PAIR.matcher(pair.trim());
            if (pair.isBlank()) {
                continue;
            }
            if (!matcher.matches()) {
                throw invalid("Upload-Metadata must be comma-separated \"key base64value\" pairs.");
            }
            if (matcher.group(1).equals("vid")) {
                String vid;
                try {
                    vid = new String(Base64.getDecoder().decode(Optional.ofNullable(matcher.group(2)).orElse("")),
                                     java.nio.charset.StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw invalid("Upload-Metadata's vid is not base64.");
                }
                if (!vid.matches("[1-9][0-9]{0,18}")) {
                    throw new MediameshException(ErrorCode.INVALID_ID, "vid must be a positive integer.");
                }
                return Long.parseLong(vid);
            }
        }
        throw new MediameshException(ErrorCode.MISSING_FIELD, "Upload-Metadata must name the video: vid.");
    }

    private static MediameshException invalid(String message) {
        return new MediameshException(ErrorCode.INVALID_REQUEST, message);
    }

    private static MediameshException inProgress() {
        return new MediameshException(ErrorCode.UPLOAD_IN_PROGRESS,
                                      "Another PATCH of this upload is under way; retry when it ended.");
    }

    /** A PATCH let in: the upload it continues, who sends it, and the upload's lock it holds until it ends. */
    private record Patch(ResumableUpload upload, Principal caller, VideoFileStore.ResumableLock lock) {}

    /** An Upload-Checksum: the algorithm and the expected digest of the PATCH's body. */
    private record Checksum(String algorithm, byte[] expected) {
        static Optional<Checksum> parse(String header) {
            if (header == null) {
                return Optional.empty();
            }
            String[] parts = header.trim().split(" ", 2);
            String algorithm = CHECKSUMS.get(parts[0].toLowerCase(Locale.ROOT));
            if (algorithm == null) {
                throw new MediameshException(ErrorCode.UNSUPPORTED_CHECKSUM_ALGORITHM,
                                             "Upload-Checksum takes one of " + List.copyOf(CHECKSUMS.keySet()) + '.');
            }
            if (parts.length < 2) {
                throw invalid("Upload-Checksum is \"algorithm base64digest\".");
            }
            try {
                return Optional.of(new Checksum(algorithm, Base64.getDecoder().decode(parts[1].trim())));
            } catch (IllegalArgumentException e) {
                throw invalid("Upload-Checksum's digest is not base64.");
            }
        }

        MessageDigest newDigest() {
            try {
                return MessageDigest.getInstance(algorithm);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("Every JVM has " + algorithm, e);
            }
        }

        boolean matches(MessageDigest digest) {
            return MessageDigest.isEqual(expected, digest.digest());
        }
    }
}
