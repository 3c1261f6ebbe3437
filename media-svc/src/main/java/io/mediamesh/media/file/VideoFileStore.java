package io.mediamesh.media.file;

import com.google.common.base.Suppliers;
import com.google.common.util.concurrent.Striped;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.files.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Video files in one folder, named only from the numeric video id, so no request can name a path
 * outside it:
 * <ul>
 *   <li>{@code <id>.<sha256>.<ext>}: a stored file, never modified once in place;</li>
 *   <li>{@code <id>}: a symbolic link to the current one, replaced atomically (rename) by an upload;</li>
 *   <li>{@code .<id>.<random>.upload} / {@code .link}: temporaries, renamed into place or deleted.</li>
 * </ul>
 * A reader follows the link and opens an immutable file, so it never sees a partial or mixed
 * file, and the hash in the name is the ETag without rehashing. Uploads and deletions of one
 * video are serialised in this process; stored files are plain videos any tool can read.
 */
public final class VideoFileStore {
    private static final Logger logger = LoggerFactory.getLogger(VideoFileStore.class);
    private static final Pattern STORED_NAME = Pattern.compile("([1-9][0-9]{0,18})\\.([0-9a-f]{64})\\.([a-z0-9]{1,8})");
    private static final Pattern TEMP_NAME = Pattern.compile("\\.[1-9][0-9]{0,18}\\.[0-9a-f-]{36}\\.(upload|link)");
    private static final int OPEN_ATTEMPTS = 3;
    private static final String RESUMABLE_FOLDER = ".resumable";
    private static final String RESUMABLE_LOCKS = ".locks";
    private static final Pattern RESUMABLE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final int REHASH_BUFFER = 1024 * 1024;

    private final Path root;
    private final Clock clock;
    private final Striped<Lock> locks = Striped.lock(64);
    /**
     * {@code .resumable/.locks}, open for this store's life and never closed: closing any descriptor of
     * a file drops every POSIX lock the process holds on it. Opened at the first resumable upload.
     */
    private final Supplier<FileChannel> resumableLocks = Suppliers.memoize(this::openResumableLocks);

    public VideoFileStore(Path root, Clock clock) {
        this.root = root.toAbsolutePath().normalize();
        this.clock = clock;
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create the video folder " + this.root, e);
        }
    }

    public Path root() {
        return root;
    }

    /** The current file of a video, if it has one. */
    public Optional<StoredVideoFile> stat(long videoId) {
        for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
            Optional<String> name = currentName(videoId);
            if (name.isEmpty()) {
                return Optional.empty();
            }
            try {
                BasicFileAttributes attributes = Files.readAttributes(root.resolve(name.get()),
                                                                      BasicFileAttributes.class);
                return Optional.of(describe(videoId, name.get(), attributes.size(),
                                            attributes.lastModifiedTime().toInstant()));
            } catch (NoSuchFileException e) {
                // Replaced or deleted since the link was read: read it again.
            } catch (IOException e) {
                throw failure("stat the file of video " + videoId, e);
            }
        }
        return Optional.empty();
    }

    /** Opens the current file of a video for reading, or fails with VIDEO_FILE_NOT_FOUND. */
    public OpenVideoFile open(long videoId) {
        for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
            Optional<String> name = currentName(videoId);
            if (name.isEmpty()) {
                break;
            }
            Path path = root.resolve(name.get());
            FileChannel channel = null;
            try {
                channel = FileChannel.open(path, StandardOpenOption.READ);
                Instant modified = Files.getLastModifiedTime(path).toInstant();
                return new OpenVideoFile(describe(videoId, name.get(), channel.size(), modified), channel);
            } catch (NoSuchFileException e) {
                closeQuietly(channel);
            } catch (IOException e) {
                closeQuietly(channel);
                throw failure("open the file of video " + videoId, e);
            }
        }
        throw notFound(videoId);
    }

    /**
     * Starts a resumable upload into {@code .resumable/<uploadId>}, a file no start-up sweep touches;
     * suspend it between requests, close it to abandon it.
     */
    public VideoFileUpload startResumable(long videoId, SizeLimit limit, String uploadId) {
        Path file = resumable(uploadId);
        try {
            Files.createDirectories(file.getParent());
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new VideoFileUpload(videoId, limit, file, channel);
        } catch (IOException e) {
            throw failure("create " + file, e);
        }
    }

    /**
     * Continues a resumable upload from {@code checkpoint} when it matches the file (the usual case), or
     * else from the file itself, hashed again from its first byte (after a restart).
     */
    public VideoFileUpload resumeResumable(long videoId, SizeLimit limit, String uploadId,
                                           Optional<VideoFileUpload.Checkpoint> checkpoint) {
        Path file = resumable(uploadId);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long size = channel.size();
            if (checkpoint.isPresent() && checkpoint.get().size() == size) {
                channel.position(size);
                return new VideoFileUpload(videoId, limit, file, channel, checkpoint.get());
            }
            VideoFileUpload upload = new VideoFileUpload(videoId, limit, file, channel);
            ByteBuffer buffer = ByteBuffer.allocate(REHASH_BUFFER);
            channel.position(0);
            while (channel.read(buffer.clear()) > 0) {
                buffer.flip();
                upload.rehash(buffer);
            }
            return upload;
        } catch (NoSuchFileException e) {
            closeQuietly(channel);
            throw new MediameshException(ErrorCode.UPLOAD_NOT_FOUND, "The upload's bytes are gone.");
        } catch (IOException e) {
            closeQuietly(channel);
            throw failure("open " + file, e);
        }
    }

    /**
     * Makes the caller the only one working on a resumable upload (a PATCH, its removal) among all the
     * processes sharing this folder, until the lock is closed; empty while another holds it. The lock is
     * the operating system's (fcntl) on one byte of {@code .resumable/.locks} chosen by the upload's id,
     * so it needs no file of the upload's own, and it dies with the process holding it: a replica that
     * crashes leaves no upload locked. The folder must support POSIX locks across its users (a local
     * disk, NFSv4, CephFS; not NFS mounted {@code nolock}).
     */
    public Optional<ResumableLock> tryLockResumable(String uploadId) {
        resumable(uploadId);
        // The first 60 bits of the random 128-bit id: a byte of its own for every upload.
        long position = Long.parseLong(uploadId.substring(0, 15), 16);
        try {
            return Optional.ofNullable(resumableLocks.get().tryLock(position, 1, false)).map(ResumableLock::new);
        } catch (OverlappingFileLockException e) {
            // Held within this process (the JVM keeps one lock table per file for all its channels).
            return Optional.empty();
        } catch (IOException e) {
            throw failure("lock the upload " + uploadId, e);
        }
    }

    private FileChannel openResumableLocks() {
        Path file = root.resolve(RESUMABLE_FOLDER).resolve(RESUMABLE_LOCKS);
        try {
            Files.createDirectories(file.getParent());
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw failure("open " + file, e);
        }
    }

    /** A resumable upload's lock of {@link #tryLockResumable}; closing it twice is harmless. */
    public static final class ResumableLock implements AutoCloseable {
        private final FileLock lock;

        private ResumableLock(FileLock lock) {
            this.lock = lock;
        }

        @Override
        public void close() {
            try {
                lock.release();
            } catch (IOException e) {
                // Only a closed channel fails here, and its locks went with it.
                logger.debug("Releasing a resumable upload's lock failed", e);
            }
        }
    }

    /** Removes a resumable upload's bytes; no error when there are none. */
    public void deleteResumable(String uploadId) {
        try {
            Files.deleteIfExists(resumable(uploadId));
        } catch (IOException e) {
            throw failure("delete the upload " + uploadId, e);
        }
    }

    /** Bytes a resumable upload holds, 0 when its file is gone. */
    public long resumableSize(String uploadId) {
        try {
            return Files.size(resumable(uploadId));
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw failure("stat the upload " + uploadId, e);
        }
    }

    private Path resumable(String uploadId) {
        if (!RESUMABLE_ID.matcher(uploadId).matches()) {
            throw new IllegalStateException("Not an upload id: " + uploadId);
        }
        return root.resolve(RESUMABLE_FOLDER).resolve(uploadId);
    }

    /** Starts an upload into a new temporary file; close it to abandon it. */
    public VideoFileUpload startUpload(long videoId, SizeLimit limit) {
        Path temp = tempPath(videoId, "upload");
        try {
            FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new VideoFileUpload(videoId, limit, temp, channel);
        } catch (IOException e) {
            throw failure("create " + temp, e);
        }
    }

    /**
     * Checks a complete upload, runs {@code beforeInstall} (which may refuse by throwing), then
     * makes it the video's file. Both happen under the video's lock, so concurrent uploads of one
     * video are installed in the order they were accepted. The upload's temporary file is gone
     * afterwards whatever happens: moved into place, or deleted by the caller closing the upload.
     */
    public StoredVideoFile commit(VideoFileUpload upload, Consumer<StoredVideoFile> beforeInstall) {
        VideoFileUpload.Sealed sealed = upload.seal();
        long videoId = upload.videoId();
        String name = videoId + "." + sealed.sha256() + "." + sealed.container().extension();
        Lock lock = locks.get(videoId);
        lock.lock();
        try {
            beforeInstall.accept(describe(videoId, name, sealed.size(), clock.instant()));
            Path target = root.resolve(name);
            Optional<String> previous = currentName(videoId);
            DurableFiles.rename(sealed.temp(), target);
            pointTo(videoId, name);
            if (previous.isPresent() && !previous.get().equals(name)) {
                Files.deleteIfExists(root.resolve(previous.get()));
            }
            syncFolder();
            return describe(videoId, name, sealed.size(), Files.getLastModifiedTime(target).toInstant());
        } catch (IOException e) {
            throw failure("install the file of video " + videoId, e);
        } finally {
            lock.unlock();
        }
    }

    /** Deletes a video's file; true if there was one. Readers that have it open finish undisturbed. */
    public boolean delete(long videoId) {
        Lock lock = locks.get(videoId);
        lock.lock();
        try {
            Optional<String> name = currentName(videoId);
            if (name.isEmpty()) {
                return false;
            }
            // The link first: from then on nobody finds the file, whatever happens next.
            Files.deleteIfExists(link(videoId));
            Files.deleteIfExists(root.resolve(name.get()));
            syncFolder();
            return true;
        } catch (IOException e) {
            throw failure("delete the file of video " + videoId, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes what a process that died mid-upload may have left: temporaries, and stored files no
     * link points to. Only entries older than {@code olderThan} go, so that uploads in flight in
     * another process sharing the folder are left alone.
     */
    public int sweep(Duration olderThan) {
        Instant cutoff = clock.instant().minus(olderThan);
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                if (isLeftover(entry.getFileName().toString()) &&
                    Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff) &&
                    Files.deleteIfExists(entry)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            throw failure("sweep " + root, e);
        }
        return removed;
    }

    private boolean isLeftover(String name) throws IOException {
        if (TEMP_NAME.matcher(name).matches()) {
            return true;
        }
        Matcher stored = STORED_NAME.matcher(name);
        if (!stored.matches()) {
            return false;
        }
        Path link = root.resolve(stored.group(1));
        return !Files.isSymbolicLink(link) || !Files.readSymbolicLink(link).toString().equals(name);
    }

    static MediameshException failure(String what, IOException e) {
        logger.warn("Failed to {}", what, e);
        return new MediameshException(ErrorCode.INTERNAL_ERROR, "The file store failed.", e);
    }

    private Optional<String> currentName(long videoId) {
        try {
            String name = Files.readSymbolicLink(link(videoId)).toString();
            Matcher matcher = STORED_NAME.matcher(name);
            if (!matcher.matches() || Long.parseLong(matcher.group(1)) != videoId) {
                throw failure("read the link of video " + videoId,
                              new IOException("unexpected link target " + name));
            }
            return Optional.of(name);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read the link of video " + videoId, e);
        }
    }

    /** Replaces the video's link atomically: a new link under a temporary name, renamed over it. */
    private void pointTo(long videoId, String name) throws IOException {
        DurableFiles.replaceLink(tempPath(videoId, "link"), link(videoId), Path.of(name));
    }

    /** The link's path: digits only, from a validated positive id. */
    private Path link(long videoId) {
        return child(Long.toString(checkId(videoId)));
    }

    private Path tempPath(long videoId, String kind) {
        return child("." + checkId(videoId) + "." + UUID.randomUUID() + "." + kind);
    }

    private Path child(String name) {
        Path path = root.resolve(name).normalize();
        if (!path.getParent().equals(root)) {
            throw new IllegalStateException("Not a plain file name: " + name);
        }
        return path;
    }

    private static long checkId(long videoId) {
        if (videoId <= 0) {
            throw new MediameshException(ErrorCode.INVALID_ID, "video id must be a positive integer.");
        }
        return videoId;
    }

    private static StoredVideoFile describe(long videoId, String name, long size, Instant modified) {
        Matcher matcher = STORED_NAME.matcher(name);
        if (!matcher.matches()) {
            throw new IllegalStateException("Not a stored file name: " + name);
        }
        Container container = Container.fromExtension(matcher.group(3)).orElseThrow(
                () -> new IllegalStateException("Unknown container extension in " + name));
        return new StoredVideoFile(videoId, size, modified, matcher.group(2), container);
    }

    /** Makes renames and deletions in the folder durable (Linux allows fsync on a directory). */
    private void syncFolder() {
        try {
            DurableFiles.syncFolder(root);
        } catch (IOException e) {
            logger.debug("Cannot sync the folder {}", root, e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // A read-only channel loses nothing.
            }
        }
    }

    static MediameshException notFound(long videoId) {
        return new MediameshException(ErrorCode.VIDEO_FILE_NOT_FOUND, "Video " + videoId + " has no file.");
    }
}
