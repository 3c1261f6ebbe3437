package io.mediamesh.media.file;

import com.google.protobuf.ByteString;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An upload in progress: bytes go straight to a temporary file beside the stored files, hashed as
 * they pass, and are checked as they come (size limit, container signature), so memory holds one
 * chunk whatever the file's size. Closing an upload that was not committed deletes its file.
 *
 * <p>A resumable upload is suspended between its requests instead ({@link #suspend}: on disk, file
 * kept) and continued from a {@link Checkpoint} of what was hashed so far; a checkpoint also lets a
 * request whose bytes turn out wrong be taken back ({@link #rollback}).
 */
public final class VideoFileUpload implements AutoCloseable {
    private final long videoId;
    private final SizeLimit limit;
    private final Path temp;
    private final FileChannel channel;
    private MessageDigest digest;
    private final byte[] head = new byte[Container.SNIFF_BYTES];
    private int headLength;
    private Container container;
    private long size;

    VideoFileUpload(long videoId, SizeLimit limit, Path temp, FileChannel channel) {
        this.videoId = videoId;
        this.limit = limit;
        this.temp = temp;
        this.channel = channel;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }

    /** Continues an upload whose first {@code from.size()} bytes are in {@code temp}, open for appending. */
    VideoFileUpload(long videoId, SizeLimit limit, Path temp, FileChannel channel, Checkpoint from) {
        this(videoId, limit, temp, channel);
        restore(from);
    }

    /** What the upload holds so far: enough to continue it later, or to come back to it. */
    public Checkpoint checkpoint() {
        return new Checkpoint(size, clone(digest), Arrays.copyOf(head, headLength), container);
    }

    /** Drops what was written since {@code to}. */
    public void rollback(Checkpoint to) {
        try {
            channel.truncate(to.size);
            channel.position(to.size);
        } catch (IOException e) {
            throw VideoFileStore.failure("truncate " + temp, e);
        }
        restore(to);
    }

    /** Puts the bytes on disk and closes the file, which stays for a later request to continue. */
    public void suspend() {
        try {
            channel.force(false);
            channel.close();
        } catch (IOException e) {
            throw VideoFileStore.failure("flush " + temp, e);
        }
    }

    private void restore(Checkpoint from) {
        size = from.size;
        digest = clone(from.digest);
        System.arraycopy(from.head, 0, head, 0, from.head.length);
        headLength = from.head.length;
        container = from.container;
    }

    private static MessageDigest clone(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("The JDK's SHA-256 can be cloned", e);
        }
    }

    /** An upload's state after its first {@link #size()} bytes; immutable. */
    public static final class Checkpoint {
        private final long size;
        private final MessageDigest digest;
        private final byte[] head;
        private final Container container;

        private Checkpoint(long size, MessageDigest digest, byte[] head, Container container) {
            this.size = size;
            this.digest = digest;
            this.head = head;
            this.container = container;
        }

        public long size() {
            return size;
        }
    }

    public long videoId() {
        return videoId;
    }

    /** Appends a gRPC message's chunk (1 byte to 1 MiB); fails as soon as the upload crosses its limit or is not a video. */
    public void write(ByteString chunk) {
        if (chunk.isEmpty() || chunk.size() > FileSettings.MAX_CHUNK) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST, "A chunk must hold 1 byte to 1 MiB.");
        }
        for (ByteBuffer buffer : chunk.asReadOnlyByteBufferList()) {
            write(buffer);
        }
    }

    /** Appends the buffer's remaining bytes (consuming them); fails as soon as the upload crosses its limit or is not a video. */
    public void write(ByteBuffer bytes) {
        int length = bytes.remaining();
        if (length == 0) {
            return;
        }
        limit.check(size + length);
        sniff(bytes.duplicate());
        digest.update(bytes.duplicate());
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            throw VideoFileStore.failure("write " + temp, e);
        }
        size += length;
    }

    /** Takes in bytes the file holds already (a resumed upload after a restart): hashed and counted, not written. */
    void rehash(ByteBuffer bytes) {
        int length = bytes.remaining();
        sniff(bytes.duplicate());
        digest.update(bytes);
        size += length;
    }

    /** Size and declared-size checks are the caller's; this checks the content and seals the file. */
    Sealed seal() {
        if (size == 0) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST, "The upload is empty.");
        }
        if (container == null) {
            container = Container.detect(head, headLength).orElseThrow(VideoFileUpload::notAVideo);
        }
        try {
            // On disk before it becomes visible: a crash never leaves a named but partial file.
            channel.force(true);
            channel.close();
        } catch (IOException e) {
            throw VideoFileStore.failure("flush " + temp, e);
        }
        return new Sealed(temp, size, HexFormat.of().formatHex(digest.digest()), container);
    }

    public long size() {
        return size;
    }

    /** Deletes the temporary file, unless the upload was committed (moved into place). */
    @Override
    public void close() {
        try {
            channel.close();
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            VideoFileStore.failure("delete " + temp, e);
        }
    }

    /** Keeps the first bytes until the container can be told, then decides once. */
    private void sniff(ByteBuffer bytes) {
        if (container != null) {
            return;
        }
        int take = Math.min(bytes.remaining(), head.length - headLength);
        bytes.get(head, headLength, take);
        headLength += take;
        if (headLength == head.length) {
            container = Container.detect(head, headLength).orElseThrow(VideoFileUpload::notAVideo);
        }
    }

    public static MediameshException tooLarge(long maxSize) {
        return new MediameshException(ErrorCode.PAYLOAD_TOO_LARGE,
                                      "The file is larger than the limit of " + maxSize + " bytes.");
    }

    private static MediameshException notAVideo() {
        return new MediameshException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                                      "The file is not a video this service accepts (MP4, MOV, WebM, " +
                                      "Matroska, Ogg or MPEG-TS).");
    }

    /** A complete, checked upload, ready to be moved into place. */
    record Sealed(Path temp, long size, String sha256, Container container) {}
}
