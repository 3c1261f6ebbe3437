package io.mediamesh.launcher;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;

/**
 * Processes started tier by tier and stopped in the reverse order: each tier's replicas start together,
 * and the next tier starts only once every one of them is ready. {@code up} makes the embedded
 * database one tier and each service another, in the order user-svc, media-svc, config-svc,
 * scheduler-svc, gateway, so that the gateway stops first and the database last.
 *
 * <p>Once ready, a replica that exits is started again after the restart policy's backoff (see
 * {@link RestartPolicy}); each crash is reported with its log's tail. Stopping sends SIGTERM to every
 * replica of a tier, waits up to the grace period, then kills what is left, and only then goes on to
 * the tier before it.
 */
public final class LocalMesh implements AutoCloseable {
    /** A set of replicas that start together, e.g. the two replicas of user-svc. */
    public record Tier(String name, List<ProcessSpec> replicas) {
        public Tier {
            replicas = List.copyOf(replicas);
        }
    }

    private record StartedTier(String name, List<Replica> replicas) {}

    private final RestartPolicy restartPolicy;
    private final Duration stopGrace;
    private final Console console;
    private final ScheduledExecutorService scheduler;
    private final HttpClient http;
    private final BooleanSupplier stopRequested;
    // Guarded by this.
    private final List<StartedTier> started = new ArrayList<>();
    private boolean stopped;

    /**
     * @param stopRequested polled while a tier starts: once it holds, {@link #startTier} gives up waiting
     *                      (InterruptedException), e.g. after Ctrl-C during the start
     */
    public LocalMesh(RestartPolicy restartPolicy, Duration stopGrace, Console console, BooleanSupplier stopRequested) {
        this.stopRequested = stopRequested;
        this.restartPolicy = restartPolicy;
        this.stopGrace = stopGrace;
        this.console = console;
        this.scheduler = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "local-mesh-supervisor");
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    /**
     * Starts every replica of {@code tier} and waits until each is ready. On failure what was started so
     * far keeps running until {@link #stop}; the exception carries the failed process's log tail.
     */
    public void startTier(Tier tier) throws MeshStartException, InterruptedException {
        List<Replica> replicas = new ArrayList<>();
        synchronized (this) {
            if (stopped) {
                throw new InterruptedException("the mesh is stopping");
            }
            for (ProcessSpec spec : tier.replicas()) {
                replicas.add(new Replica(spec, restartPolicy, console, scheduler, http));
            }
            started.add(new StartedTier(tier.name(), List.copyOf(replicas)));
        }
        for (Replica replica : replicas) {
            console.say("starting " + replica.name());
            try {
                replica.start();
            } catch (IOException e) {
                throw new MeshStartException("cannot start " + replica.name() + ": " + e.getMessage());
            }
        }
        for (Replica replica : replicas) {
            replica.awaitReady(stopRequested);
        }
    }

    /** The replicas of a started tier, in the order they were given. */
    synchronized List<Replica> replicas(String tier) {
        return started.stream().filter(t -> t.name().equals(tier)).findFirst().map(StartedTier::replicas)
                      .orElseThrow(() -> new IllegalArgumentException("no tier " + tier));
    }

    /** Stops every tier, the last started first; no replica is restarted after this. Idempotent. */
    public void stop() {
        List<StartedTier> tiers;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            tiers = new ArrayList<>(started);
        }
        for (int i = tiers.size() - 1; i >= 0; i--) {
            List<Replica> replicas = tiers.get(i).replicas();
            List<Optional<Process>> stopping = replicas.stream().map(Replica::beginStop).toList();
            for (int r = 0; r < replicas.size(); r++) {
                Replica replica = replicas.get(r);
                stopping.get(r).ifPresent(process -> replica.finishStop(process, stopGrace));
            }
        }
        scheduler.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }
}
