package io.mediamesh.config.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The agent's files hold the media servers' secrets (Janus's admin secret and plugin keys, coturn's
 * auth secret, nginx's recordings secret): its folders are 0700 and its files 0600, so only the
 * agent's user (which the media servers run as) reads them.
 */
final class PrivateFiles {
    static final Set<PosixFilePermission> FOLDER_MODE = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    static final FileAttribute<Set<PosixFilePermission>> FOLDER = PosixFilePermissions.asFileAttribute(FOLDER_MODE);
    static final FileAttribute<Set<PosixFilePermission>> FILE = PosixFilePermissions.asFileAttribute(FILE_MODE);

    private PrivateFiles() {}

    /** Creates {@code folder} (0700) and any missing parents (left to the umask: they are not the agent's). */
    static void createFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder.getParent());
            Files.createDirectory(folder, FOLDER);
        }
        Files.setPosixFilePermissions(folder, FOLDER_MODE);
    }

    /** Puts everything below {@code tree} (links aside) on the modes above: files written by an older agent. */
    static void tighten(Path tree) throws IOException {
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path path : paths.toList()) {
                if (Files.isSymbolicLink(path)) {
                    continue;
                }
                Files.setPosixFilePermissions(path, Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? FOLDER_MODE
                                                                                                        : FILE_MODE);
            }
        }
    }
}
