package io.mediamesh.media.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.media.testing.TestVideos;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file store on a real folder: naming, atomic replacement, checks, and what is left on disk. */
@Tag("fast")
class VideoFileStoreTest {
    private static final long LIMIT = 1024 * 1024;

    @TempDir
    Path root;

    private VideoFileStore store() {
        return new VideoFileStore(root, Clock.systemUTC());
    }

    private static StoredVideoFile put(VideoFileStore store, long videoId, byte[] bytes) {
        try (VideoFileUpload upload = store.startUpload(videoId, SizeLimit.of(LIMIT))) {
            for (int offset = 0; offset < bytes.length; offset += 1000) {
                upload.write(ByteString.copyFrom(bytes, offset, Math.min(1000, bytes.length - offset)));
            }
            return store.commit(upload, file -> { });
        }
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> list = Files.list(root)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void storesUnderTheIdWithTheHashComputedWhileStreaming() throws IOException {
        VideoFileStore store = store();
        byte[] bytes = TestVideos.mp4(100_000, 1);
        StoredVideoFile stored = put(store, 7, bytes);

        assertThat(stored.sha256()).isEqualTo(TestVideos.sha256(bytes));
        assertThat(stored.size()).isEqualTo(bytes.length);
        assertThat(stored.etag()).isEqualTo('"' + TestVideos.sha256(bytes) + '"');
        assertThat(stored.container()).isEqualTo(Container.MP4);
        assertThat(entries()).containsExactly("7", "7." + stored.sha256() + ".mp4");
        assertThat(Files.readAllBytes(root.resolve("7"))).isEqualTo(bytes);
        assertThat(store.stat(7)).contains(stored);
    }

    @Test
    void aReplacementIsAtomicForReadersAndLeavesOneFile() throws IOException {
        VideoFileStore store = store();
        byte[] first = TestVideos.mp4(50_000, 1);
        byte[] second = TestVideos.mp4(60_000, 2);
        put(store, 8, first);
        try (OpenVideoFile reader = store.open(8)) {
            StoredVideoFile replaced = put(store, 8, second);
            // The reader that opened the first version still reads all of it, unmixed.
            ByteBuffer buffer = ByteBuffer.allocate(first.length);
            while (buffer.hasRemaining() && reader.channel().read(buffer) >= 0) {
                // Reads to the end.
            }
            assertThat(buffer.array()).isEqualTo(first);
            assertThat(reader.stat().sha256()).isEqualTo(TestVideos.sha256(first));
            assertThat(entries()).containsExactly("8", "8." + replaced.sha256() + ".mp4");
        }
        assertThat(Files.readAllBytes(root.resolve("8"))).isEqualTo(second);
    }

    @Test
    void anAbandonedUploadLeavesNothingAndTheVideoStaysUploadable() throws IOException {
        VideoFileStore store = store();
        try (VideoFileUpload upload = store.startUpload(9, SizeLimit.of(LIMIT))) {
            upload.write(ByteString.copyFrom(TestVideos.mp4(4096, 3)));
            assertThat(entries()).hasSize(1).allMatch(name -> name.startsWith(".9.") && name.endsWith(".upload"));
        }
        assertThat(entries()).isEmpty();
        assertThat(store.stat(9)).isEmpty();
        put(store, 9, TestVideos.mp4(4096, 3));
        assertThat(store.stat(9)).isPresent();
    }

    @Test
    void overTheLimitFailsAsSoonAsItIsCrossed() throws IOException {
        VideoFileStore store = store();
        try (VideoFileUpload upload = store.startUpload(10, SizeLimit.of(3000))) {
            upload.write(ByteString.copyFrom(TestVideos.mp4(2000, 4)));
            assertThatThrownBy(() -> upload.write(ByteString.copyFrom(new byte[1001])))
                    .isInstanceOfSatisfying(MediameshException.class,
                                            e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
            // Nothing past the limit reached the disk.
            assertThat(upload.size()).isEqualTo(2000);
        }
        assertThat(entries()).isEmpty();
    }

    @Test
    void contentThatIsNotAVideoIsRefusedOnItsFirstBytes() throws IOException {
        VideoFileStore store = store();
        byte[] text = "<html>not a video</html>".repeat(100).getBytes(StandardCharsets.US_ASCII);
        try (VideoFileUpload upload = store.startUpload(11, SizeLimit.of(LIMIT))) {
            assertThatThrownBy(() -> upload.write(ByteString.copyFrom(text)))
                    .isInstanceOfSatisfying(MediameshException.class,
                                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MEDIA_TYPE));
        }
        // Shorter than the sniffing window: decided when the upload ends.
        try (VideoFileUpload upload = store.startUpload(11, SizeLimit.of(LIMIT))) {
            upload.write(ByteString.copyFromUtf8("GIF89a"));
            assertThatThrownBy(() -> store.commit(upload, file -> { }))
                    .isInstanceOfSatisfying(MediameshException.class,
                                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MEDIA_TYPE));
        }
        try (VideoFileUpload upload = store.startUpload(11, SizeLimit.of(LIMIT))) {
            assertThatThrownBy(() -> store.commit(upload, file -> { }))
                    .isInstanceOfSatisfying(MediameshException.class,
                                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
        }
        assertThat(entries()).isEmpty();
    }

    @Test
    void aRefusalBeforeInstallKeepsThePreviousFile() throws IOException {
        VideoFileStore store = store();
        byte[] first = TestVideos.mp4(5000, 5);
        StoredVideoFile kept = put(store, 12, first);
        try (VideoFileUpload upload = store.startUpload(12, SizeLimit.of(LIMIT))) {
            upload.write(ByteString.copyFrom(TestVideos.mp4(6000, 6)));
            assertThatThrownBy(() -> store.commit(upload, file -> {
                throw new MediameshException(ErrorCode.VIDEO_NOT_FOUND, "gone");
            })).isInstanceOf(MediameshException.class);
        }
        assertThat(entries()).containsExactly("12", "12." + kept.sha256() + ".mp4");
        assertThat(Files.readAllBytes(root.resolve("12"))).isEqualTo(first);
    }

    @Test
    void recognisesTheAcceptedContainers() {
        assertThat(detect(bytes(0, 0, 0, 0x14, 'f', 't', 'y', 'p', 'q', 't', ' ', ' '))).isEqualTo(Container.QUICKTIME);
        assertThat(detect(bytes(0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'm', 'p', '4', '2'))).isEqualTo(Container.MP4);
        byte[] webm = bytes(0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x82, 0x84, 'w', 'e', 'b', 'm');
        assertThat(detect(webm)).isEqualTo(Container.WEBM);
        byte[] mkv = bytes(0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x82, 0x88, 'm', 'a', 't', 'r', 'o', 's', 'k', 'a');
        assertThat(detect(mkv)).isEqualTo(Container.MATROSKA);
        assertThat(detect(bytes('O', 'g', 'g', 'S', 0, 2))).isEqualTo(Container.OGG);
        byte[] ts = new byte[600];
        ts[0] = 0x47;
        ts[188] = 0x47;
        ts[376] = 0x47;
        assertThat(detect(ts)).isEqualTo(Container.MPEG_TS);
        ts[188] = 0;
        assertThat(Container.detect(ts, ts.length)).isEmpty();
        assertThat(Container.detect(bytes('G', 'I', 'F', '8', '9', 'a'), 6)).isEmpty();
    }

    @Test
    void onlyPositiveIdsNameFiles() {
        VideoFileStore store = store();
        for (long id : new long[] { 0, -1, Long.MIN_VALUE }) {
            assertThatThrownBy(() -> store.startUpload(id, SizeLimit.of(LIMIT)))
                    .isInstanceOfSatisfying(MediameshException.class,
                                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ID));
            assertThatThrownBy(() -> store.delete(id)).isInstanceOf(MediameshException.class);
        }
    }

    @Test
    void deleteIsIdempotentAndLeavesNothing() throws IOException {
        VideoFileStore store = store();
        put(store, 13, TestVideos.mp4(3000, 7));
        assertThat(store.delete(13)).isTrue();
        assertThat(store.delete(13)).isFalse();
        assertThat(entries()).isEmpty();
        assertThatThrownBy(() -> store.open(13))
                .isInstanceOfSatisfying(MediameshException.class,
                                        e -> assertThat(e.code()).isEqualTo(ErrorCode.VIDEO_FILE_NOT_FOUND));
    }

    @Test
    void sweepRemovesOldLeftoversOnly() throws IOException {
        StoredVideoFile kept = put(store(), 14, TestVideos.mp4(3000, 8));
        Path staleTemp = Files.write(root.resolve(".15.0b7c8a34-1f00-4b8e-9e51-3f4a0d6a1c11.upload"), new byte[10]);
        Path orphan = Files.write(root.resolve("14." + "a".repeat(64) + ".mp4"), new byte[10]);
        Path unrelated = Files.write(root.resolve("notes.txt"), new byte[1]);
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC);

        assertThat(new VideoFileStore(root, Clock.systemUTC()).sweep(Duration.ofHours(1))).isZero();
        assertThat(new VideoFileStore(root, later).sweep(Duration.ofHours(1))).isEqualTo(2);
        assertThat(staleTemp).doesNotExist();
        assertThat(orphan).doesNotExist();
        assertThat(unrelated).exists();
        assertThat(entries()).contains("14", "14." + kept.sha256() + ".mp4");
    }

    private static Container detect(byte[] head) {
        return Container.detect(head, head.length).orElseThrow();
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
