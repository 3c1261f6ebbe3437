package io.mediamesh.launcher;

import io.mediamesh.common.server.RunningService;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/** A service in this JVM: started by its spec's call, ready once its /health answers, stopped by closing it. */
final class InJvmReplica implements Supervised {
    /** It has started serving when its start returns; this is for its health check to pass too. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(50);

    private final InJvmSpec spec;
    private final Console console;
    private final HttpClient http;
    // Guarded by this.
    private RunningService<?> running;
    private boolean stopping;

    InJvmReplica(InJvmSpec spec, Console console, HttpClient http) {
        this.spec = spec;
        this.console = console;
        this.http = http;
    }

    @Override
    public String name() {
        return spec.name();
    }

    /** The service, while it runs. */
    synchronized Optional<RunningService<?>> running() {
        return Optional.ofNullable(running);
    }

    @Override
    public synchronized void start() throws MeshStartException {
        if (stopping) {
            return;
        }
        try {
            running = spec.start().start();
        } catch (Exception e) {
            MeshStartException failure = new MeshStartException("cannot start " + spec.name() + ": " + e);
            failure.initCause(e);
            throw failure;
        }
    }

    @Override
    public void awaitReady(BooleanSupplier abandoned) throws MeshStartException, InterruptedException {
        RunningService<?> started;
        synchronized (this) {
            started = running;
        }
        if (started == null) {
            throw new InterruptedException("the start of " + spec.name() + " was abandoned");
        }
        Readiness.Http health = new Readiness.Http(started.health());
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!health.answers(http)) {
            if (abandoned.getAsBoolean()) {
                throw new InterruptedException("the start of " + spec.name() + " was abandoned");
            }
            if (System.nanoTime() > deadline) {
                throw new MeshStartException(spec.name() + " was not ready (" + health.describe() + ") within "
                                             + START_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    @Override
    public Optional<Stopping> beginStop() {
        RunningService<?> stopped;
        synchronized (this) {
            stopping = true;
            stopped = running;
            running = null;
        }
        if (stopped == null) {
            return Optional.empty();
        }
        console.say("stopping " + spec.name());
        CompletableFuture<Void> closed = CompletableFuture.runAsync(stopped::close);
        // A service in this JVM cannot be killed: its close is waited for, however long its drain takes.
        return Optional.of(grace -> closed.join());
    }

    @Override
    public void stopNow(Duration grace) {
        RunningService<?> old;
        synchronized (this) {
            old = running;
            running = null;
        }
        if (old != null) {
            console.say("stopping " + spec.name() + " until it is started again");
            old.close();
        }
    }
}
