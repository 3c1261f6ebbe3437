package io.mediamesh.config.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;

/**
 * The digest of a set of config files, as agent.proto defines it (GetActiveConfigResponse.sha256):
 * hex SHA-256 over the files in name order of, for each file, its name, "\n", the hex SHA-256 of
 * its content, "\n". Agents and config-svc compute it alike, so a version can be checked end to end.
 */
public final class FileSetDigest {
    private FileSetDigest() {}

    public static String sha256(SortedMap<String, byte[]> files) {
        MessageDigest outer = newDigest();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            outer.update(file.getKey().getBytes(StandardCharsets.UTF_8));
            outer.update((byte) '\n');
            outer.update(hex(newDigest().digest(file.getValue())).getBytes(StandardCharsets.US_ASCII));
            outer.update((byte) '\n');
        }
        return hex(outer.digest());
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no SHA-256", e);
        }
    }
}
