package io.mediamesh.config.render;

import com.google.protobuf.ByteString;
import io.mediamesh.api.v1.ConfigFile;
import io.mediamesh.api.v1.ConfigKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/** The files one server gets for one kind, with their digest as the agents compute it. */
public record RenderedConfig(ConfigKind kind, List<ConfigFile> files) {
    private static final int VERSION_DIGEST_CHARS = 12;

    /** Keeps the files in name order, as agents list them. */
    public RenderedConfig {
        files = files.stream().sorted(Comparator.comparing(ConfigFile::getName)).toList();
    }

    /** See {@link #digest}. */
    public String sha256() {
        return digest(files);
    }

    /** The version these files are staged and activated under: "r<revision>-<12 hex of sha256>". */
    public String version(long revision) {
        return "r" + revision + '-' + sha256().substring(0, VERSION_DIGEST_CHARS);
    }

    /**
     * Hex SHA-256 over files in name order: for each, its name, "\n", the hex SHA-256 of its
     * content, "\n" (agent.proto's GetActiveConfigResponse.sha256; agents compute the same).
     */
    public static String digest(List<ConfigFile> files) {
        StringBuilder manifest = new StringBuilder();
        files.stream().sorted(Comparator.comparing(ConfigFile::getName)).forEach(
                file -> manifest.append(file.getName()).append('\n')
                                .append(sha256Hex(file.getContent().toByteArray())).append('\n'));
        return sha256Hex(manifest.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A file's content as text (rendered files are UTF-8). */
    public static String text(ConfigFile file) {
        return file.getContent().toStringUtf8();
    }

    static ConfigFile file(String name, String content) {
        return ConfigFile.newBuilder().setName(name).setContent(ByteString.copyFromUtf8(content)).build();
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }
}
