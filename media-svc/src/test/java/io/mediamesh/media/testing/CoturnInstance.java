package io.mediamesh.media.testing;

import io.mediamesh.common.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real coturn on loopback taking credentials of the use-auth-secret scheme with {@code secret},
 * and Debian's {@code turnutils_uclient} to ask it for a relay as a browser's ICE agent would.
 */
public final class CoturnInstance implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process process;

    private CoturnInstance(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts turnserver on 127.0.0.1:{@code port} (relays on 127.0.0.1 too), once it has read its secret. */
    public static CoturnInstance start(Path dir, int port, String secret) {
        // Peers on loopback, for the client's test peer: a test-only setting.
        return run(dir, port, """
                listening-ip=127.0.0.1
                relay-ip=127.0.0.1
                listening-port=%d
                realm=mediamesh
                use-auth-secret
                static-auth-secret=%s
                fingerprint
                no-tls
                no-dtls
                no-cli
                allow-loopback-peers
                log-file=stdout
                """.formatted(port, secret));
    }

    /**
     * Starts turnserver with {@code conf}, a turnserver.conf as config-svc renders it for a server
     * listening on 127.0.0.1:{@code port}. Its pid file and user database go below {@code dir}, given
     * on the command line as the demo media plane's run-coturn.sh does (a rendered file names neither).
     */
    public static CoturnInstance run(Path dir, int port, String conf) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("turnserver.conf"), conf);
            Path log = dir.resolve("turnserver.log");
            Process process = new ProcessBuilder("turnserver", "-c", dir.resolve("turnserver.conf").toString(),
                                                 "--pidfile", dir.resolve("turnserver.pid").toString(),
                                                 "--userdb", dir.resolve("turndb.sqlite").toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            CoturnInstance coturn = new CoturnInstance(dir, port, process);
            Await.until("coturn has started", Duration.ofSeconds(10),
                        () -> !process.isAlive() || read(log).contains("SQLite DB connection success"));
            if (!process.isAlive()) {
                throw new IllegalStateException("turnserver exited with " + process.exitValue() + "; see " + log);
            }
            return coturn;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port it listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** What turnserver has logged so far (with {@code verbose}, each request with its user name and outcome). */
    public String log() {
        return read(dir.resolve("turnserver.log"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether coturn grants a relay to {@code username} / {@code password}. */
    public boolean allocates(String username, String password) {
        try {
            Path output = Files.createTempFile(dir, "uclient-", ".out");
            Process client = new ProcessBuilder("turnutils_uclient", "-v", "-p", String.valueOf(port), "-u", username,
                                                "-w", password, "-n", "1", "-m", "1", "-e", "127.0.0.1", "-c",
                                                "127.0.0.1")
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            // A granted relay keeps the client sending to its peer; a refusal ends it at once.
            if (!client.waitFor(3, TimeUnit.SECONDS)) {
                client.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            return read(output).contains("Received relay addr");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        Processes.terminate(process);
    }
}
