package io.mediamesh.common.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("fast")
class DurableFilesTest {
    @TempDir
    Path folder;

    @Test
    void writeReplacesTheContentAndAppliesTheAttributesOnCreation() throws IOException {
        Path file = folder.resolve("a");
        DurableFiles.write(file, bytes("a much longer first content"),
                           PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        DurableFiles.write(file, bytes("short"));

        assertThat(Files.readString(file)).isEqualTo("short");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void writeThenRenameReplacesTheTargetAndLeavesNoTemporary() throws IOException {
        Path target = folder.resolve("state");
        Files.writeString(target, "old");

        DurableFiles.writeThenRename(folder.resolve(".tmp-state"), target, bytes("new"));

        assertThat(Files.readString(target)).isEqualTo("new");
        try (var entries = Files.list(folder)) {
            assertThat(entries).containsExactly(target);
        }
    }

    @Test
    void renameMovesAFolderOntoAnEmptyOneAndRefusesAMissingSource() throws IOException {
        Path source = Files.createDirectory(folder.resolve("staged"));
        Files.writeString(source.resolve("f"), "x");
        Path target = Files.createDirectory(folder.resolve("release"));

        DurableFiles.rename(source, target);

        assertThat(Files.readString(target.resolve("f"))).isEqualTo("x");
        assertThat(source).doesNotExist();
        assertThatThrownBy(() -> DurableFiles.rename(source, target)).isInstanceOf(NoSuchFileException.class);
        assertThat(Files.readString(target.resolve("f"))).isEqualTo("x");
    }

    @Test
    void replaceLinkRepointsAnExistingLink() throws IOException {
        Path link = folder.resolve("active");
        DurableFiles.replaceLink(folder.resolve(".tmp-1"), link, Path.of("v1"));
        DurableFiles.replaceLink(folder.resolve(".tmp-2"), link, Path.of("v2"));

        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("v2"));
        assertThat(folder.resolve(".tmp-1")).doesNotExist();
        assertThat(folder.resolve(".tmp-2")).doesNotExist();
    }

    @Test
    void replaceLinkRemovesItsTemporaryWhenTheRenameFails() throws IOException {
        Path occupied = Files.createDirectory(folder.resolve("occupied"));
        Files.writeString(occupied.resolve("keep"), "kept");
        Path temporary = folder.resolve(".tmp-link");

        assertThatThrownBy(() -> DurableFiles.replaceLink(temporary, occupied, Path.of("v1")))
                .isInstanceOf(IOException.class);

        assertThat(temporary).doesNotExist();
        assertThat(Files.readString(occupied.resolve("keep"))).isEqualTo("kept");
    }

    @Test
    void syncsFilesAndFoldersAndReportsMissingOnes() throws IOException {
        Path file = Files.writeString(folder.resolve("f"), "x");
        DurableFiles.syncFile(file);
        DurableFiles.syncFolder(folder);

        assertThat(Files.readString(file)).isEqualTo("x");
        assertThatThrownBy(() -> DurableFiles.syncFolder(folder.resolve("gone")))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> DurableFiles.syncFile(folder.resolve("gone")))
                .isInstanceOf(NoSuchFileException.class);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
