package io.mediamesh.common.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;

/**
 * Changes to files that survive a crash: contents forced to disk before they get their name, names
 * changed by one atomic rename, and the folder forced after a rename so that the rename itself is
 * kept. A reader sees the old file or the new one, never a partial one.
 */
public final class DurableFiles {
    private DurableFiles() {
    }

    /** Writes {@code content} to {@code file} (created or truncated) and forces it to disk. */
    public static void write(Path file, byte[] content, FileAttribute<?>... attributes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                                                                 StandardOpenOption.TRUNCATE_EXISTING),
                                                    attributes)) {
            ByteBuffer bytes = ByteBuffer.wrap(content);
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
    }

    /**
     * Replaces {@code target} with {@code content}: written to {@code temporary} (a name in the same
     * folder that the caller's clean-up recognizes), forced, renamed over {@code target}, and the
     * folder forced.
     */
    public static void writeThenRename(Path temporary, Path target, byte[] content, FileAttribute<?>... attributes)
            throws IOException {
        write(temporary, content, attributes);
        rename(temporary, target);
        syncFolder(target.toAbsolutePath().getParent());
    }

    /**
     * Renames {@code source} to {@code target} in one step, replacing {@code target} if it is a file,
     * a link or an empty folder. Does not force the folder (see {@link #syncFolder}).
     */
    public static void rename(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Points the symbolic link {@code link} at {@code linkTarget} in one step: a new link made at
     * {@code temporary} (in the same folder) is renamed over it; the temporary link is removed if
     * the rename fails. Does not force the folder.
     */
    public static void replaceLink(Path temporary, Path link, Path linkTarget) throws IOException {
        Files.createSymbolicLink(temporary, linkTarget);
        try {
            rename(temporary, link);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /** Forces a file's contents to disk. */
    public static void syncFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** Makes renames, new entries and deletions in {@code folder} durable (Linux allows fsync on a folder). */
    public static void syncFolder(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
