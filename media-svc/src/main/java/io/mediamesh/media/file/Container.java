package io.mediamesh.media.file;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The video containers media-svc accepts, recognised by their first bytes only (a client's
 * Content-Type is never trusted). The extension names the stored file, so its type is known
 * without opening it.
 */
public enum Container {
    MP4("mp4", "video/mp4"),
    QUICKTIME("mov", "video/quicktime"),
    WEBM("webm", "video/webm"),
    MATROSKA("mkv", "video/x-matroska"),
    OGG("ogv", "video/ogg"),
    MPEG_TS("ts", "video/mp2t");

    /** Bytes {@link #detect} needs to decide (MPEG-TS has its third sync byte at offset 376). */
    public static final int SNIFF_BYTES = 512;

    private static final int TS_PACKET = 188;
    private static final byte[] EBML_MAGIC = { 0x1A, 0x45, (byte) 0xDF, (byte) 0xA3 };
    private static final byte[] WEBM_DOCTYPE = "webm".getBytes(StandardCharsets.US_ASCII);

    private final String extension;
    private final String contentType;

    Container(String extension, String contentType) {
        this.extension = extension;
        this.contentType = contentType;
    }

    public String extension() {
        return extension;
    }

    public String contentType() {
        return contentType;
    }

    public static Optional<Container> fromExtension(String extension) {
        return Arrays.stream(values()).filter(c -> c.extension.equals(extension)).findFirst();
    }

    /**
     * The container whose signature starts {@code head[0, length)}; give it {@link #SNIFF_BYTES}
     * bytes, or the whole file if it is shorter.
     */
    public static Optional<Container> detect(byte[] head, int length) {
        // ISO base media (MP4, MOV): a box of at least 8 bytes whose type is 'ftyp', then the brand.
        if (length >= 12 && ascii(head, 4, "ftyp") && readInt(head, 0) >= 8) {
            return Optional.of(ascii(head, 8, "qt  ") ? QUICKTIME : MP4);
        }
        // EBML header; its DocType element says "webm" or "matroska" within the first bytes.
        if (length >= 4 && startsWith(head, EBML_MAGIC)) {
            return Optional.of(contains(head, Math.min(length, 64), WEBM_DOCTYPE) ? WEBM : MATROSKA);
        }
        if (length >= 4 && ascii(head, 0, "OggS")) {
            return Optional.of(OGG);
        }
        // MPEG-TS: 188-byte packets, each starting with the sync byte 0x47. One byte alone is far
        // too weak ('G' starts GIFs), so three packets must line up.
        if (length > 2 * TS_PACKET && head[0] == 0x47 && head[TS_PACKET] == 0x47 && head[2 * TS_PACKET] == 0x47) {
            return Optional.of(MPEG_TS);
        }
        return Optional.empty();
    }

    private static boolean ascii(byte[] bytes, int offset, String text) {
        for (int i = 0; i < text.length(); i++) {
            if (bytes[offset + i] != (byte) text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static boolean contains(byte[] bytes, int length, byte[] needle) {
        for (int i = 0; i + needle.length <= length; i++) {
            if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }

    private static int readInt(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFF) << 24) | ((bytes[offset + 1] & 0xFF) << 16) |
               ((bytes[offset + 2] & 0xFF) << 8) | (bytes[offset + 3] & 0xFF);
    }
}
