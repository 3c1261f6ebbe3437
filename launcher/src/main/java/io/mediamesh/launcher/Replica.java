package io.mediamesh.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One supervised process: started, waited for until ready, started again after a crash (with the
 * restart policy's backoff), and stopped with SIGTERM, then SIGKILL after the grace period.
 *
 * <p>A process that exits before it was first ready is not restarted: {@link #awaitReady} reports it,
 * and {@code up} fails. Once it was ready, every exit the launcher did not ask for is a crash.
 */
final class Replica implements Supervised {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final Duration POLL = Duration.ofMillis(200);

    private final ProcessSpec spec;
    private final RestartPolicy restartPolicy;
    private final Console console;
    private final ScheduledExecutorService scheduler;
    private final HttpClient http;

    // Guarded by this.
    private Process process;
    private long runOffset;
    private Instant startedAt;
    private boolean supervised;
    private boolean stopping;
    private int crashesInARow;
    private int restarts;
    private ScheduledFuture<?> pending;

    Replica(ProcessSpec spec, RestartPolicy restartPolicy, Console console, ScheduledExecutorService scheduler,
            HttpClient http) {
        this.spec = spec;
        this.restartPolicy = restartPolicy;
        this.console = console;
        this.scheduler = scheduler;
        this.http = http;
    }

    @Override
    public String name() {
        return spec.name();
    }

    ProcessSpec spec() {
        return spec;
    }

    /** The running process's id, if one runs. */
    synchronized OptionalLong pid() {
        return process != null && process.isAlive() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }

    /** How often it was started again after a crash. */
    synchronized int restarts() {
        return restarts;
    }

    /** Starts the process, its output appended to its log after a line that opens the run. */
    @Override
    public synchronized void start() throws IOException {
        if (stopping) {
            return;
        }
        Path log = spec.log();
        Files.createDirectories(log.toAbsolutePath().getParent());
        Files.writeString(log, LogTail.runHeader(LocalDateTime.now().format(STAMP), spec.name()),
                          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        runOffset = Files.size(log);
        ProcessBuilder builder = new ProcessBuilder(spec.command()).directory(spec.workDir().toFile())
                                                                   .redirectErrorStream(true)
                                                                   .redirectOutput(ProcessBuilder.Redirect.appendTo(
                                                                           log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(spec.environment());
        Process started = builder.start();
        // Nothing is ever typed into a service: it reads end-of-file, not the operator's terminal.
        started.getOutputStream().close();
        process = started;
        startedAt = Instant.now();
        started.onExit().thenAccept(this::exited);
    }

    /**
     * Waits until the process is ready; fails with its log's tail when it exits first or is not ready
     * within its start timeout, and gives up (InterruptedException) once {@code abandoned} holds.
     */
    @Override
    public void awaitReady(BooleanSupplier abandoned) throws MeshStartException, InterruptedException {
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        while (true) {
            Process current = current();
            if (current == null || abandoned.getAsBoolean()) {
                throw new InterruptedException("the start of " + spec.name() + " was abandoned");
            }
            if (isReady()) {
                synchronized (this) {
                    supervised = true;
                }
                if (!current.isAlive()) {
                    // Ended between the check and now, when its exit was not yet a crash: it is one now.
                    exited(current);
                }
                return;
            }
            if (!current.isAlive()) {
                throw failure(spec.name() + " exited with status " + current.exitValue() + " while starting");
            }
            if (System.nanoTime() > deadline) {
                throw failure(spec.name() + " was not ready (" + spec.readiness().describe() + ") within "
                              + spec.startTimeout().toSeconds() + " s");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private MeshStartException failure(String what) {
        return new MeshStartException(
                what + " (log: " + spec.log() + ")\n" + String.join("\n", LogTail.of(spec.log())));
    }

    /** True when the process is ready now (one check). */
    boolean isReady() throws InterruptedException {
        if (spec.readiness() instanceof Readiness.Http health) {
            return health.answers(http);
        }
        Readiness.LogLine line = (Readiness.LogLine) spec.readiness();
        long offset;
        synchronized (this) {
            offset = runOffset;
        }
        try (InputStream in = Files.newInputStream(spec.log())) {
            in.skipNBytes(offset);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains(line.text());
        } catch (IOException notYet) {
            return false;
        }
    }

    private synchronized Process current() {
        return process;
    }

    /** A crash (an exit nobody asked for, once ready) is reported and the process started again later. */
    private void exited(Process ended) {
        synchronized (this) {
            if (stopping || ended != process || !supervised) {
                return;
            }
            Duration ran = Duration.between(startedAt, Instant.now());
            crashesInARow = ran.compareTo(restartPolicy.stableAfter()) >= 0 ? 1 : crashesInARow + 1;
            Duration delay = restartPolicy.delay(crashesInARow);
            console.warn(spec.name() + " (pid " + ended.pid() + ") exited unexpectedly with status "
                         + ended.exitValue() + " after " + ran.toSeconds() + " s"
                         + (crashesInARow > 1 ? ", " + crashesInARow + " crashes in a row" : "")
                         + ": restarting it in " + seconds(delay));
            console.err().println(String.join("\n", LogTail.of(spec.log())));
            pending = scheduler.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void restart() {
        try {
            synchronized (this) {
                if (stopping) {
                    return;
                }
                start();
                restarts++;
                console.say("restarted " + spec.name() + " (pid " + process.pid() + ")");
                pending = scheduler.schedule(() -> watchUntilReady(process), POLL.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            synchronized (this) {
                crashesInARow++;
                Duration delay = restartPolicy.delay(crashesInARow);
                console.warn("cannot start " + spec.name() + " again (" + e.getMessage() + "): trying in "
                             + seconds(delay));
                pending = scheduler.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** After a restart: says when the process is ready again; an exit meanwhile is a crash as any other. */
    private void watchUntilReady(Process restarted) {
        try {
            if (isReady()) {
                console.say(spec.name() + " is ready again");
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        synchronized (this) {
            if (!stopping && restarted == process && restarted.isAlive()) {
                pending = scheduler.schedule(() -> watchUntilReady(restarted), POLL.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Sends SIGTERM (no restart after it); the stop waits for the process, if one runs. */
    @Override
    public synchronized Optional<Stopping> beginStop() {
        stopping = true;
        if (pending != null) {
            pending.cancel(false);
        }
        if (process == null || !process.isAlive()) {
            return Optional.empty();
        }
        console.say("stopping " + spec.name() + " (pid " + process.pid() + ")");
        process.destroy();
        Process stopped = process;
        return Optional.of(grace -> finishStop(stopped, grace));
    }

    /** SIGTERM, then SIGKILL after {@code grace}; not a crash, so nothing restarts it but {@link #startAgain}. */
    @Override
    public void stopNow(Duration grace) {
        Process old;
        synchronized (this) {
            if (stopping) {
                return;
            }
            // Its exit is asked for: not a crash to restart after.
            supervised = false;
            if (pending != null) {
                pending.cancel(false);
            }
            old = process;
        }
        if (old != null && old.isAlive()) {
            console.say("stopping " + spec.name() + " (pid " + old.pid() + ") until it is started again");
            old.destroy();
            finishStop(old, grace);
        }
    }

    /** Waits up to {@code grace} for the process to end after {@link #beginStop}, then kills it. */
    private void finishStop(Process stopped, Duration grace) {
        boolean interrupted = false;
        try {
            if (stopped.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
            console.warn(spec.name() + " did not stop within " + seconds(grace) + ": killing it");
        } catch (InterruptedException e) {
            interrupted = true;
        }
        // What it started itself (the embedded database's mariadbd) would outlive it otherwise.
        stopped.descendants().forEach(ProcessHandle::destroyForcibly);
        stopped.destroyForcibly();
        stopped.onExit().join();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() / 1000.0 + " s";
    }
}
