package io.mediamesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("fast")
final class LogTailTest {
    @TempDir
    Path dir;

    @Test
    void showsOnlyTheLatestRun() throws IOException {
        Path log = dir.resolve("user-svc.log");
        Files.writeString(log, LogTail.runHeader("2026-12-05 00:00:00", "user-svc") + "first run failed\n"
                               + LogTail.runHeader("2026-12-05 00:01:00", "user-svc") + "second run\n");

        assertThat(LogTail.of(log)).containsExactly("last lines of " + log + ":",
                                                    "    ==== 2026-12-05 00:01:00: user-svc starting",
                                                    "    second run");
    }

    @Test
    void showsTheLastFortyLinesOfALongLogReadFromItsEnd() throws IOException {
        Path log = dir.resolve("gateway.log");
        String lines = IntStream.range(0, 20_000).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));
        Files.writeString(log, LogTail.runHeader("2026-12-05 00:00:00", "gateway") + lines + "\n");

        List<String> tail = LogTail.of(log);
        assertThat(tail).hasSize(LogTail.LINES + 1);
        assertThat(tail.get(1)).isEqualTo("    line 19960");
        assertThat(tail.get(LogTail.LINES)).isEqualTo("    line 19999");
    }
}
