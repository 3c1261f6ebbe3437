package io.mediamesh.media.testing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Bytes that pass for videos (a real container signature, then noise) and their hashes. */
public final class TestVideos {
    private TestVideos() {}

    /** {@code size} bytes starting with an MP4 'ftyp' box, the rest random from {@code seed}. */
    public static byte[] mp4(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        byte[] box = { 0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm' };
        System.arraycopy(box, 0, bytes, 0, Math.min(box.length, size));
        return bytes;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
