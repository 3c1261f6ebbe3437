package io.mediamesh.config.validate;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Runs a tool to completion with a deadline and collects what it printed. */
final class ToolProcess {
    static final int MAX_OUTPUT = 64 * 1024;
    static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");

    private ToolProcess() {}

    /** The exit status and output (stdout and stderr together) of {@code command} run in {@code workDir}. */
    record Run(int exitCode, String output) {}

    static Run run(List<String> command, Path workDir, Duration deadline) {
        Path outputFile = workDir.resolve(".tool-output");
        try {
            // Output goes to a file, not a pipe: a chatty tool can never block on a full pipe.
            Process process = new ProcessBuilder(command).directory(workDir.toFile())
                                                         .redirectErrorStream(true)
                                                         .redirectOutput(outputFile.toFile())
                                                         .redirectInput(ProcessBuilder.Redirect.from(
                                                                 Path.of("/dev/null").toFile()))
                                                         .start();
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                throw new MediameshException(ErrorCode.INTERNAL_ERROR,
                                             command.get(0) + " did not finish within " + deadline.toMillis() + " ms.");
            }
            String output = Files.readString(outputFile, StandardCharsets.UTF_8);
            return new Run(process.exitValue(), trim(ANSI.matcher(output).replaceAll("")));
        } catch (IOException e) {
            throw new MediameshException(ErrorCode.INTERNAL_ERROR, "Cannot run " + command.get(0) + ": " +
                                                                   e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediameshException(ErrorCode.INTERNAL_ERROR, "Interrupted while running " + command.get(0), e);
        } finally {
            try {
                Files.deleteIfExists(outputFile);
            } catch (IOException e) {
                // The folder is temporary and removed with it.
            }
        }
    }

    static String trim(String output) {
        String text = output.strip();
        return text.length() <= MAX_OUTPUT ? text : text.substring(0, MAX_OUTPUT - 20) + "\n... (truncated)";
    }

    /** A fresh private folder for one check. */
    static Path tempFolder(String purpose) {
        try {
            return Files.createTempDirectory("mediamesh-" + purpose + '-');
        } catch (IOException e) {
            throw new MediameshException(ErrorCode.INTERNAL_ERROR, "Cannot create a temporary folder: " +
                                                                   e.getMessage(), e);
        }
    }

    static void deleteRecursively(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Left behind in the temporary folder; nothing depends on it.
        }
    }

    static void requireInstalled(Path tool, String packageName) {
        if (!ValidationTools.installed(tool)) {
            throw new MediameshException(ErrorCode.INTERNAL_ERROR, tool + " is not installed (apt-get install -y " +
                                                                   packageName + ").");
        }
    }

    /** A loopback port free right now, for a trial run that must not collide with the real server. */
    static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
