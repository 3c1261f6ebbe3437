package io.mediamesh.launcher;

import io.mediamesh.common.server.RunningService;
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
 * Replicas started tier by tier and stopped in the reverse order: a tier's first replica starts alone (it
 * migrates the schema), then the others together, and the next tier starts only once every one of them is
 * ready. Replicas are processes ({@code up}) or services in this JVM (the tests). {@code up} makes the embedded
 * database one tier and each service another, in the order user-svc, media-svc, config-svc,
 * scheduler-svc, gateway, so that the gateway stops first and the database last.
 *
 * <p>Once ready, a replica that exits is started again after the restart policy's backoff (see
 * {@link RestartPolicy}); each crash is reported with its log's tail. Stopping sends SIGTERM to every
 * replica of a tier, waits up to the grace period, then kills what is left, and only then goes on to
 * the tier before it.
 */
public final class LocalMesh implements AutoCloseable {
    /** A service's replicas, e.g. the two replicas of user-svc. */
    public record Tier(String name, List<? extends ReplicaSpec> replicas) {
        public Tier {
            replicas = List.copyOf(replicas);
        }

        /** One service in this JVM, as a test runs it. */
        public static Tier inJvm(String name, InJvmSpec.Start start) {
            return new Tier(name, List.of(new InJvmSpec(name, start)));
        }
    }

    private record StartedTier(String name, List<Supervised> replicas) {}

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
    /**
     * A mesh of services in this JVM (tests and benchmarks): progress on this JVM's output, stops that wait
     * for each service's drain.
     */
    public static LocalMesh inThisJvm() {
        return new LocalMesh(RestartPolicy.DEFAULT, Duration.ofSeconds(30), Console.system(), () -> false);
    }

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
     * Starts every replica of {@code tier} and waits until each is ready: the first alone, then the others
     * together. On failure what was started so far keeps running until {@link #stop}; the exception carries
     * the failed process's log tail.
     */
    public void startTier(Tier tier) throws MeshStartException, InterruptedException {
        List<Supervised> replicas = new ArrayList<>();
        synchronized (this) {
            if (stopped) {
                throw new InterruptedException("the mesh is stopping");
            }
            for (ReplicaSpec spec : tier.replicas()) {
                replicas.add(spec instanceof ProcessSpec process
                             ? new Replica(process, restartPolicy, console, scheduler, http)
                             : new InJvmReplica((InJvmSpec) spec, console, http));
            }
            started.add(new StartedTier(tier.name(), List.copyOf(replicas)));
        }
        // The first replica alone, until ready: it migrates the service's schema. On Galera, Flyway cannot
        // lock out a second replica migrating a new schema at once (its lock on the history table ends at
        // the first DDL statement), and the two would collide; the others then find the schema current.
        start(replicas.subList(0, Math.min(1, replicas.size())));
        start(replicas.subList(Math.min(1, replicas.size()), replicas.size()));
    }

    /** Starts {@code replicas} together and waits until each is ready. */
    private void start(List<Supervised> replicas) throws MeshStartException, InterruptedException {
        for (Supervised replica : replicas) {
            console.say("starting " + replica.name());
            try {
                replica.start();
            } catch (IOException e) {
                throw new MeshStartException("cannot start " + replica.name() + ": " + e.getMessage());
            }
        }
        for (Supervised replica : replicas) {
            replica.awaitReady(stopRequested);
        }
    }

    /** The process replicas of a started tier, in the order they were given. */
    List<Replica> replicas(String tier) {
        return supervised(tier).stream().map(Replica.class::cast).toList();
    }

    private synchronized List<Supervised> supervised(String tier) {
        return started.stream().filter(t -> t.name().equals(tier)).findFirst().map(StartedTier::replicas)
                      .orElseThrow(() -> new IllegalArgumentException("no tier " + tier));
    }

    /** Replica {@code index} of {@code tier}, a service in this JVM, as it runs now (a restart makes another). */
    public RunningService<?> running(String tier, int index) {
        return ((InJvmReplica) supervised(tier).get(index)).running()
                .orElseThrow(() -> new IllegalStateException(tier + " replica " + index + " is not running"));
    }

    /**
     * Stops replica {@code index} of {@code tier} as an operator's restart would (its drain, up to the stop
     * grace period), starts it again and waits until it is ready: a new process, or a new service in this
     * JVM with fresh caches and pool, on the ports its spec gives (a fixed port stays; port 0 becomes another).
     */
    public void restart(String tier, int index) throws IOException, MeshStartException, InterruptedException {
        stop(tier, index);
        start(tier, index);
    }

    /**
     * Stops replica {@code index} of {@code tier} as asked (its drain, up to the stop grace period): not a
     * crash, so it stays stopped until {@link #start(String, int)}, e.g. while a test looks at the mesh
     * without it.
     */
    public void stop(String tier, int index) {
        supervised(tier).get(index).stopNow(stopGrace);
    }

    /** Starts replica {@code index} of {@code tier} again after {@link #stop(String, int)}; waits until it is ready. */
    public void start(String tier, int index) throws IOException, MeshStartException, InterruptedException {
        supervised(tier).get(index).startAgain();
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
            List<Optional<Supervised.Stopping>> stopping = tiers.get(i).replicas().stream()
                                                                .map(Supervised::beginStop).toList();
            stopping.forEach(replica -> replica.ifPresent(stop -> stop.finish(stopGrace)));
        }
        scheduler.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }
}
