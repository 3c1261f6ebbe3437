package io.mediamesh.config.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The shell command that makes a media server pick up its new files (e.g. {@code nginx -s reload}),
 * run with {@code sh -c} in the kind's folder. It sees the active folder and version in
 * MEDIAMESH_CONFIG_DIR and MEDIAMESH_CONFIG_VERSION.
 */
final class ReloadCommand {
    /** Output kept from a run: enough to read the error, bounded so a chatty command cannot fill memory. */
    static final int MAX_OUTPUT_BYTES = 64 * 1024;

    private final String command;
    private final Duration timeout;

    ReloadCommand(String command, Duration timeout) {
        this.command = command;
        this.timeout = timeout;
    }

    record Result(boolean ok, String output) {}

    Result run(Path workingDirectory, Path activeFolder, String version) {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", command).directory(workingDirectory.toFile())
                                                                         .redirectErrorStream(true);
        builder.environment().put("MEDIAMESH_CONFIG_DIR", activeFolder.toString());
        builder.environment().put("MEDIAMESH_CONFIG_VERSION", version);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Result(false, "Cannot start the reload command: " + e.getMessage());
        }
        BoundedOutput output = new BoundedOutput(process.getInputStream());
        Thread reader = new Thread(output, "reload-output");
        reader.setDaemon(true);
        reader.start();
        try {
            process.getOutputStream().close();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
            reader.join(1000);
            String text = "$ " + command + "\n" + output.text();
            if (!finished) {
                return new Result(false, text + "killed after " + timeout.toMillis() + " ms");
            }
            return new Result(process.exitValue() == 0, text + "exit status " + process.exitValue());
        } catch (IOException e) {
            process.destroyForcibly();
            return new Result(false, "The reload command failed: " + e.getMessage());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(false, "Interrupted while reloading.");
        }
    }

    /** Reads a process's output, keeping the first {@link #MAX_OUTPUT_BYTES} and draining the rest. */
    private static final class BoundedOutput implements Runnable {
        private final InputStream in;
        private final byte[] buffer = new byte[MAX_OUTPUT_BYTES];
        private int length;

        BoundedOutput(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] discard = new byte[8192];
            try {
                int n;
                while ((n = in.read(discard)) > 0) {
                    synchronized (this) {
                        int kept = Math.min(n, buffer.length - length);
                        System.arraycopy(discard, 0, buffer, length, kept);
                        length += kept;
                    }
                }
            } catch (IOException e) {
                // The process is gone; keep what was read.
            }
        }

        synchronized String text() {
            String text = new String(buffer, 0, length, StandardCharsets.UTF_8);
            return text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
        }
    }
}
