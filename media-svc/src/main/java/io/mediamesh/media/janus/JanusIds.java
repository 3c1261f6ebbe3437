package io.mediamesh.media.janus;

import java.security.SecureRandom;
import java.util.Base64;

/** Random ids and secrets for what media-svc creates on Janus (rooms, mountpoints, tokens). */
public final class JanusIds {
    // Ids stay below 2^53 so that JavaScript clients read them exactly.
    private static final long MAX_ID = 1L << 53;

    private final SecureRandom random = new SecureRandom();

    /** An id in [1, 2^53). */
    public long nextId() {
        return 1 + (random.nextLong() & Long.MAX_VALUE) % (MAX_ID - 1);
    }

    /** A 192-bit secret, URL-safe. */
    public String nextSecret() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(nextBytes(24));
    }

    public byte[] nextBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }
}
