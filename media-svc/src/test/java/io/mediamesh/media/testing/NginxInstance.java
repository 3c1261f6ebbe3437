package io.mediamesh.media.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx running one rendered nginx.conf (as config-svc renders it for a server) from a
 * prefix folder of its own, in the foreground so that it ends with its process. The file's
 * relative paths (pid, logs, temp folders) resolve under the prefix (JANUS.md).
 */
public final class NginxInstance implements AutoCloseable {
    private final Path prefix;
    private final String conf;
    private final int port;
    private Process process;

    /** @param port the port the file listens on on 127.0.0.1, to know when nginx is up */
    public NginxInstance(Path prefix, String conf, int port) {
        this.prefix = prefix;
        this.conf = conf;
        this.port = port;
    }

    /** Starts nginx, returning once it accepts connections. */
    public NginxInstance start() {
        try {
            Files.createDirectories(prefix.resolve("logs"));
            Files.writeString(prefix.resolve("nginx.conf"), conf);
            process = new ProcessBuilder("nginx", "-p", prefix + "/", "-e", prefix.resolve("logs/error.log").toString(),
                                         "-c", prefix.resolve("nginx.conf").toString(), "-g", "daemon off;")
                    .redirectErrorStream(true)
                    .redirectOutput(prefix.resolve("stdout.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return this;
            } catch (IOException e) {
                // Not up yet.
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue() + "; see " + prefix);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("nginx did not listen on " + port + " within 10 s; see " + prefix);
    }

    /** Stops nginx (SIGTERM: a fast shutdown), returning once it is gone. */
    public void stop() {
        if (process != null) {
            Processes.terminate(process);
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
