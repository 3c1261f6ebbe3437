package io.mediamesh.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A MariaDB server of a test's own (the machine's mariadbd, data made by mariadb-install-db) on a
 * free loopback port with its own data folder and socket, so that a test may kill and restart it
 * (or freeze) without disturbing the shared server on 3306. Grant tables are on; root logs in over TCP with an
 * empty password. Durability is MariaDB's default (every commit flushed to the redo log), so what a
 * commit acknowledged survives {@link #kill()}. {@link GaleraCluster} runs three of these with the
 * Galera options.
 */
public final class PrivateMariaDb implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final int port;
    /** Server options beyond the folder and port, on every start. */
    private final List<String> options;
    private final Duration startTimeout;
    private Process server;

    private PrivateMariaDb(Path dir, int port, List<String> options, Duration startTimeout) {
        this.dir = dir;
        this.port = port;
        this.options = List.copyOf(options);
        this.startTimeout = startTimeout;
    }

    /** Installs the system tables into {@code dir}/data and starts the server. */
    public static PrivateMariaDb start(Path dir) throws IOException, InterruptedException {
        PrivateMariaDb db = install(dir, FreePorts.tcp(), List.of(), START_TIMEOUT);
        db.restart();
        return db;
    }

    /**
     * Installs the system tables into {@code dir}/data for a server on {@code port} with
     * {@code options} on every start; not started yet.
     */
    static PrivateMariaDb install(Path dir, int port, List<String> options, Duration startTimeout)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        List<String> install = new ArrayList<>(List.of("mariadb-install-db", "--no-defaults",
                                                       "--datadir=" + dir.resolve("data"),
                                                       "--auth-root-authentication-method=normal",
                                                       "--skip-test-db"));
        if (runningAsRoot()) {
            install.add("--user=root");
        }
        Process installer = new ProcessBuilder(install).redirectErrorStream(true)
                                                      .redirectOutput(dir.resolve("install.log").toFile()).start();
        if (!installer.waitFor(60, TimeUnit.SECONDS) || installer.exitValue() != 0) {
            installer.destroyForcibly();
            throw new IllegalStateException("mariadb-install-db failed: " + Files.readString(dir.resolve("install.log")));
        }
        return new PrivateMariaDb(dir, port, options, startTimeout);
    }

    /** The folder holding the data folder and the server's log. */
    Path dir() {
        return dir;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "jdbc:mariadb://127.0.0.1:" + port;
    }

    public Connection root() throws SQLException {
        return DriverManager.getConnection(url() + "/?connectTimeout=1000", "root", "");
    }

    /** Whether the server process runs (it may not answer yet). */
    public boolean isRunning() {
        return server != null && server.isAlive();
    }

    /**
     * SIGKILL: the server ends at once, as in a crash; clients see their connections reset. Helpers
     * it started (a state transfer's rsync) are killed with it.
     */
    public void kill() throws InterruptedException {
        List<ProcessHandle> helpers = server.descendants().toList();
        server.destroyForcibly();
        helpers.forEach(ProcessHandle::destroyForcibly);
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("mariadbd " + server.pid() + " survived SIGKILL");
        }
    }

    /**
     * SIGSTOP: the server stops answering but keeps its connections and port open, as a server
     * stuck on its disk or a network that drops packets would; clients wait until their timeouts.
     */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(server.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + server.pid() + " failed");
        }
    }

    /** Starts the server on the same port and data (crash recovery included) and waits until it answers. */
    public void restart() throws IOException, InterruptedException {
        restart(List.of());
    }

    /** As {@link #restart()}, with {@code onceOptions} for this start only (Galera's bootstrap). */
    void restart(List<String> onceOptions) throws IOException, InterruptedException {
        server = new ProcessBuilder(command(onceOptions)).redirectErrorStream(true)
                                                         .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Instant deadline = Instant.now().plus(startTimeout);
        while (true) {
            try (Connection probe = root()) {
                return;
            } catch (SQLException notYet) {
                if (!server.isAlive() || Instant.now().isAfter(deadline)) {
                    kill();
                    throw new IllegalStateException("mariadbd did not start on port " + port + ": "
                                                    + Files.readString(dir.resolve("error.log")), notYet);
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * Runs the server once with {@code onceOptions} to the end (not as the running server, which
     * must be stopped), its log in {@code log}, and returns that log: a Galera node's
     * {@code --wsrep-recover}.
     */
    String runToEnd(List<String> onceOptions, Path log) throws IOException, InterruptedException {
        List<String> command = command(onceOptions);
        command.add("--log-error=" + log);
        Process run = new ProcessBuilder(command).redirectErrorStream(true)
                                                 .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!run.waitFor(startTimeout.toSeconds(), TimeUnit.SECONDS)) {
            run.destroyForcibly();
            throw new IllegalStateException("mariadbd " + onceOptions + " did not end: " + Files.readString(log));
        }
        return Files.readString(log);
    }

    private List<String> command(List<String> onceOptions) {
        List<String> command = new ArrayList<>(List.of("/usr/sbin/mariadbd", "--no-defaults",
                                                       "--datadir=" + dir.resolve("data"),
                                                       "--port=" + port, "--bind-address=127.0.0.1",
                                                       "--socket=" + dir.resolve("mariadb.sock"),
                                                       "--pid-file=" + dir.resolve("mariadb.pid"),
                                                       "--log-error=" + dir.resolve("error.log"),
                                                       "--innodb-buffer-pool-size=32M", "--skip-log-bin"));
        command.addAll(options);
        command.addAll(onceOptions);
        if (runningAsRoot()) {
            command.add("--user=root"); // mariadbd refuses to run as root without it
        }
        return command;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (server != null && server.isAlive()) {
            thaw(); // a stopped process takes SIGKILL too, but leave nothing stopped behind
            kill();
        }
    }

    static boolean runningAsRoot() {
        return ProcessHandle.current().info().user().map("root"::equals).orElse(false);
    }
}
