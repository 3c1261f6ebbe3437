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
import java.util.HexFormat;

/**
 * An upload in progress: bytes go straight to a temporary file beside the stored files, hashed as
 * they pass, and are checked as they come (size limit, container signature), so memory holds one
 * chunk whatever the file's size. Closing an upload that was not committed deletes its file.
 */
public final class VideoFileUpload implements AutoCloseable {
    private final long videoId;
    private final long maxSize;
    private final Path temp;
    private final FileChannel channel;
    private final MessageDigest digest;
    private final byte[] head = new byte[Container.SNIFF_BYTES];
    private int headLength;
    private Container container;
    private long size;

    VideoFileUpload(long videoId, long maxSize, Path temp, FileChannel channel) {
        this.videoId = videoId;
        this.maxSize = maxSize;
        this.temp = temp;
        this.channel = channel;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }

    public long videoId() {
        return videoId;
    }

    /** Appends {@code chunk}; fails as soon as the upload crosses the limit or is not a video. */
    public void write(ByteString chunk) {
        if (chunk.isEmpty() || chunk.size() > FileSettings.MAX_CHUNK) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST, "A chunk must hold 1 byte to 1 MiB.");
        }
        if (size + chunk.size() > maxSize) {
            throw tooLarge(maxSize);
        }
        sniff(chunk);
        try {
            for (ByteBuffer buffer : chunk.asReadOnlyByteBufferList()) {
                digest.update(buffer.duplicate());
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        } catch (IOException e) {
            throw VideoFileStore.failure("write " + temp, e);
        }
        size += chunk.size();
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
    private void sniff(ByteString chunk) {
        if (container != null) {
            return;
        }
        int take = Math.min(chunk.size(), head.length - headLength);
        chunk.copyTo(head, 0, headLength, take);
        headLength += take;
        if (headLength == head.length) {
            container = Container.detect(head, headLength).orElseThrow(VideoFileUpload::notAVideo);
        }
    }

    static MediameshException tooLarge(long maxSize) {
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
