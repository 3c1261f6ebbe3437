package io.mediamesh.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The last lines a process wrote in its latest run (logs are appended to, run after run). */
final class LogTail {
    static final int LINES = 40;
    private static final int READ_AT_MOST = 64 * 1024;

    private LogTail() {}

    /** A line that opens a run in a log; what comes before it belongs to earlier runs. */
    static String runHeader(String stamp, String name) {
        return "\n==== " + stamp + ": " + name + " starting\n";
    }

    /** The last {@link #LINES} lines of the latest run, indented, after a line naming the file. */
    static List<String> of(Path log) {
        List<String> lines;
        try (InputStream in = Files.newInputStream(log)) {
            // Logs grow run after run: only their end is read.
            long skipped = Math.max(0, Files.size(log) - READ_AT_MOST);
            in.skipNBytes(skipped);
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            if (skipped > 0 && !lines.isEmpty()) {
                lines = lines.subList(1, lines.size()); // the first line was cut
            }
        } catch (IOException e) {
            return List.of("    (cannot read " + log + ": " + e.getMessage() + ")");
        }
        int runStart = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("==== ") && line.endsWith(" starting")) {
                runStart = i;
            }
        }
        List<String> run = lines.subList(Math.max(runStart, lines.size() - LINES), lines.size());
        List<String> tail = new ArrayList<>(run.size() + 1);
        tail.add("last lines of " + log + ":");
        run.forEach(line -> tail.add("    " + line));
        return tail;
    }
}
