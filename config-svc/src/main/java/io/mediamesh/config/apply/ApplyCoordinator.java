package io.mediamesh.config.apply;

import com.linecorp.armeria.common.util.ThreadFactories;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.ApplyConfigRequest;
import io.mediamesh.api.v1.ApplyConfigResponse;
import io.mediamesh.api.v1.ApplyStage;
import io.mediamesh.api.v1.ApplyStarted;
import io.mediamesh.api.v1.ApplySummary;
import io.mediamesh.api.v1.ApplyTarget;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.ServerApplyResult;
import io.mediamesh.api.v1.ServerApplyStatus;
import io.mediamesh.api.v1.StartApply;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.time.Times;
import io.mediamesh.config.server.MediaServerRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ApplyConfig calls: each call's first message is planned (rendering every targeted server's
 * files), recorded (claiming the kind), answered with {@code started}, and then run on a thread of
 * its own while the call's later messages steer it. Messages go out in order; a client that
 * cancels the call cancels the apply. Events are recorded for audit as they are sent (written in
 * the background, all of them before the apply's end is).
 *
 * <p>Replicas: each apply is recorded as this replica's ({@link ApplySettings#instanceId}) under a
 * lease that a timer thread of its own renews while the apply runs. The same timer carries out the
 * promotes and cancels that ControlApply recorded on another replica for an apply run here, and
 * ends applies whose replica's lease expired (it died), so that their kinds can be applied again.
 *
 * <p>A replica stopped gracefully {@linkplain #drain drains} first: a rolling update of the replicas
 * lets their applies finish instead of rolling them back.
 */
public final class ApplyCoordinator implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(ApplyCoordinator.class);
    /** How long a stop waits for cancelled applies to finish rolling back. */
    private static final Duration ROLLBACK_WAIT = Duration.ofSeconds(30);
    /** How often a drain looks at the applies still running. */
    private static final Duration DRAIN_POLL = Duration.ofMillis(50);

    private final ApplyPlanner planner;
    private final ApplyRepository audit;
    private final MediaServerRepository servers;
    private final AgentClients agents;
    private final Clock clock;
    private final ApplySettings settings;
    private final ScheduledExecutorService leases = Executors.newSingleThreadScheduledExecutor(
            ThreadFactories.newThreadFactory("config-apply-lease", true));
    private final ExecutorService runs = Executors.newCachedThreadPool(
            ThreadFactories.newThreadFactory("config-apply", true));
    private final ExecutorService workers = Executors.newCachedThreadPool(
            ThreadFactories.newThreadFactory("config-apply-server", true));
    private final Map<Long, ApplyRun> running = new ConcurrentHashMap<>();
    private final EventLog events;
    /** Guards {@link #draining} and the admission of new applies into {@link #running}. */
    private final Object admission = new Object();
    private boolean draining;

    public ApplyCoordinator(ApplyPlanner planner, ApplyRepository audit, MediaServerRepository servers,
                            AgentClients agents, Clock clock, ApplySettings settings) {
        this.planner = planner;
        this.audit = audit;
        this.servers = servers;
        this.agents = agents;
        this.clock = clock;
        this.settings = settings;
        this.events = new EventLog(audit);
    }

    /**
     * Ends the applies left running by a replica that is gone: at start also those recorded under
     * this replica's own instance id (a previous process of it), later only those whose lease
     * expired. Each is logged with its reason.
     */
    public void abandonInterrupted(boolean starting) {
        audit.abandon(clock.instant(), starting ? Optional.of(settings.instanceId()) : Optional.empty())
             .forEach(apply -> logger.warn("Apply {} of {} marked failed: {}", apply.applyId(), apply.kind(),
                                           apply.reason()));
    }

    /** Starts renewing leases, carrying out recorded control requests and ending abandoned applies. */
    public void startLeases() {
        long every = settings.leaseRenewInterval().toMillis();
        leases.scheduleWithFixedDelay(this::tendLeases, every, every, TimeUnit.MILLISECONDS);
    }

    /** One round of the lease timer; a failure (the database away) is logged and tried next round. */
    private void tendLeases() {
        Set<Long> mine = Set.copyOf(running.keySet());
        try {
            for (long lost : audit.renew(settings.instanceId(), mine, clock.instant().plus(settings.lease()))) {
                ApplyRun run = running.get(lost);
                if (run != null) {
                    // Another replica ended it (and may run the kind again): touch no more servers.
                    logger.error("Apply {} lost its lease (renewals failed for {}); cancelling it", lost,
                                 settings.lease());
                    run.cancel("This config-svc replica could not renew the apply's lease in time, and "
                               + "another replica ended it.");
                }
            }
            for (ApplyRepository.ControlRequest request : audit.takeControlRequests(settings.instanceId(), mine)) {
                ApplyRun run = running.get(request.applyId());
                if (run == null) {
                    continue;
                }
                if (request.cancelReason() != null) {
                    run.cancel(request.cancelReason());
                } else if (request.promote() && !run.promote()) {
                    logger.info("Dropping a promote of apply {} recorded by another replica: no stage awaits "
                                + "promotion", request.applyId());
                }
            }
            abandonInterrupted(false);
        } catch (RuntimeException e) {
            logger.warn("Cannot tend the applies' leases: {}", e.toString());
        }
    }

    /** Serves one ApplyConfig call for an admin already identified as {@code author}. */
    public StreamObserver<ApplyConfigRequest> open(String author, ServerCallStreamObserver<ApplyConfigResponse> responses) {
        Call call = new Call(author, responses);
        responses.setOnCancelHandler(() -> call.cancel("The client cancelled the call."));
        return call;
    }

    /**
     * Promotes ({@code promote}) or cancels a running apply from outside its call. An apply another
     * replica runs gets the request through the database: that replica carries it out at its next
     * lease renewal (a promote that then finds no stage awaiting promotion is dropped).
     *
     * @throws MediameshException NOT_FOUND if no such apply is running, INVALID_REQUEST for a
     *                            promote while no stage of an apply run here awaits promotion
     */
    public void control(long applyId, boolean promote, String cancelReason) {
        ApplyRun run = running.get(applyId);
        if (run == null) {
            if (!audit.requestControl(applyId, promote, cancelReason)) {
                throw new MediameshException(ErrorCode.NOT_FOUND, "No apply " + applyId + " is running.");
            }
            return;
        }
        if (!promote) {
            run.cancel(cancelReason);
        } else if (!run.promote()) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST, "No stage of apply " + applyId +
                                                                    " awaits promotion.");
        }
    }

    /** Whether a running apply works on the server (so it may not be deleted now). */
    public boolean isApplyingTo(long serverId) {
        return running.values().stream().anyMatch(run -> run.targets(serverId));
    }

    /** Records in the registry which version each server now runs (those the apply put in force). */
    private void recordActive(ApplyPlan plan, ApplySummary summary) {
        Map<Long, Long> revisionOf = new HashMap<>();
        plan.stages().forEach(stage -> stage.targets().forEach(
                target -> revisionOf.put(target.serverId(), stage.revision())));
        Instant now = clock.instant();
        for (ServerApplyResult result : summary.getResultsList()) {
            if (result.getStatus() != ServerApplyStatus.SERVER_APPLY_STATUS_ACTIVATED &&
                result.getStatus() != ServerApplyStatus.SERVER_APPLY_STATUS_ALREADY_ACTIVE) {
                continue;
            }
            try {
                servers.recordActiveConfig(result.getServerId(), plan.kind(), result.getVersion(),
                                           revisionOf.get(result.getServerId()), now);
            } catch (RuntimeException e) {
                // A server deleted meanwhile has nothing to record.
                logger.info("Cannot record {} as active on server {}: {}", result.getVersion(),
                            result.getServerName(), e.toString());
            }
        }
    }

    /**
     * The start of a graceful stop, while the server still serves: refuses new applies from now on
     * (UNAVAILABLE, so that a client retries on another replica), lets the running ones end on their
     * own for up to {@link ApplySettings#drainTimeout}, then cancels what still runs (it rolls back)
     * and waits a while for that to end. Leases are renewed and ControlApply works meanwhile. An apply
     * awaiting promotion does not hold the stop for a human: once every apply still running awaits
     * one, the drain ends and those are cancelled (a promote that came before goes on).
     */
    public void drain() throws InterruptedException {
        synchronized (admission) {
            draining = true;
        }
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        if (!running.isEmpty()) {
            logger.info("Stopping: waiting up to {} for applies {} to end", settings.drainTimeout(),
                        running.keySet());
        }
        while (running.values().stream().anyMatch(run -> !run.isAwaitingPromotion())
               && System.nanoTime() < deadline) {
            Thread.sleep(DRAIN_POLL.toMillis());
        }
        running.forEach((applyId, run) -> {
            String reason = run.isAwaitingPromotion()
                            ? "config-svc replica " + settings.instanceId() + " stopped (rolling update or scale-down) "
                              + "while the apply awaited promotion; start it again to go on."
                            : "config-svc replica " + settings.instanceId() + " stopped (rolling update or scale-down) "
                              + "and the apply did not end within apply.drain-timeout ("
                              + settings.drainTimeout().toSeconds() + " s).";
            logger.warn("Cancelling apply {}: {}", applyId, reason);
            run.cancel(reason);
        });
        long rolledBackBy = System.nanoTime() + ROLLBACK_WAIT.toNanos();
        while (!running.isEmpty() && System.nanoTime() < rolledBackBy) {
            Thread.sleep(DRAIN_POLL.toMillis());
        }
    }

    /**
     * Cancels running applies (so that they roll back) and waits a while for them to end, renewing
     * their leases meanwhile. After {@link #drain} nothing is left to cancel.
     */
    @Override
    public void close() throws InterruptedException {
        synchronized (admission) {
            draining = true;
        }
        running.values().forEach(run -> run.cancel("config-svc is stopping."));
        runs.shutdown();
        if (!runs.awaitTermination(ROLLBACK_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            logger.warn("Applies still running at shutdown: {}", running.keySet());
        }
        leases.shutdownNow();
        workers.shutdownNow();
        events.close();
    }

    /** One ApplyConfig call. Its request callbacks are serialized by gRPC. */
    private final class Call implements StreamObserver<ApplyConfigRequest> {
        private final String author;
        private final ServerCallStreamObserver<ApplyConfigResponse> responses;
        private volatile ApplyRun run;
        /** Written while holding this call's lock. */
        private volatile boolean ended;

        Call(String author, ServerCallStreamObserver<ApplyConfigResponse> responses) {
            this.author = author;
            this.responses = responses;
        }

        @Override
        public void onNext(ApplyConfigRequest request) {
            ApplyRun current = run;
            switch (request.getMessageCase()) {
                case START -> {
                    if (current == null && !ended) {
                        start(request.getStart());
                    } else {
                        logger.info("Ignoring a second start on a running apply");
                    }
                }
                case PROMOTE -> {
                    if (current != null && !current.promote()) {
                        logger.info("Ignoring promote: no stage awaits promotion");
                    }
                }
                case CANCEL -> {
                    if (current != null) {
                        current.cancel(request.getCancel().getReason().isBlank() ? "Cancelled by the client."
                                                                                 : request.getCancel().getReason());
                    }
                }
                default -> {
                }
            }
            if (current == null && request.getMessageCase() != ApplyConfigRequest.MessageCase.START) {
                fail(new MediameshException(ErrorCode.INVALID_REQUEST, "The first message must be start."));
            }
        }

        @Override
        public void onError(Throwable t) {
            cancel("The client cancelled the call.");
        }

        @Override
        public void onCompleted() {
            // A started apply goes on: promote and cancel may still come by ControlApply.
            if (run == null && !ended) {
                fail(new MediameshException(ErrorCode.INVALID_REQUEST, "The call ended before a start message."));
            }
        }

        void cancel(String reason) {
            ApplyRun current = run;
            if (current != null) {
                current.cancel(reason);
            }
        }

        private void start(StartApply start) {
            ApplyPlan plan;
            long applyId;
            ApplyRun created;
            Instant startedAt = clock.instant();
            try {
                plan = planner.plan(start, author);
                // Under the admission lock: a drain that began sees every apply admitted before it.
                synchronized (admission) {
                    if (draining) {
                        throw new MediameshException(ErrorCode.SERVICE_UNAVAILABLE,
                                "This config-svc replica is stopping; start the apply again (another replica "
                                + "takes it).");
                    }
                    applyId = audit.begin(plan, startedAt, settings.instanceId(), startedAt.plus(settings.lease()));
                    created = new ApplyRun(applyId, plan, agents, workers, clock, startedAt, this::send);
                    running.put(applyId, created);
                }
            } catch (MediameshException e) {
                fail(e);
                return;
            } catch (RuntimeException e) {
                logger.error("Cannot start an apply", e);
                fail(new MediameshException(ErrorCode.INTERNAL_ERROR, "Internal error."));
                return;
            }
            run = created;
            send(ApplyConfigResponse.newBuilder().setStarted(started(applyId, plan, startedAt)).build());
            runs.execute(() -> runToEnd(applyId, plan, created));
        }

        private void runToEnd(long applyId, ApplyPlan plan, ApplyRun applyRun) {
            try {
                ApplySummary summary = applyRun.run();
                // Recorded before it is sent: a client that reads the summary finds the audit record complete.
                events.flush();
                try {
                    audit.finish(applyId, summary, applyRun.cancelReason());
                    recordActive(plan, summary);
                } catch (RuntimeException e) {
                    // The servers are where the summary says; only the record is behind.
                    logger.error("Cannot record the end of apply {}", applyId, e);
                }
                send(ApplyConfigResponse.newBuilder().setSummary(summary).build());
                synchronized (this) {
                    ended = true;
                    if (!responses.isCancelled()) {
                        responses.onCompleted();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                logger.warn("Apply {} interrupted", applyId);
                fail(new MediameshException(ErrorCode.INTERNAL_ERROR, "The apply was interrupted."));
            } catch (RuntimeException e) {
                logger.error("Apply {} failed", applyId, e);
                fail(new MediameshException(ErrorCode.INTERNAL_ERROR, "Internal error."));
            } finally {
                running.remove(applyId);
            }
        }

        /** Passes a message on and records events; a client that left no longer gets them. */
        private void send(ApplyConfigResponse message) {
            if (message.hasEvent()) {
                events.add(message.getEvent());
            }
            synchronized (this) {
                if (ended || responses.isCancelled()) {
                    return;
                }
                try {
                    responses.onNext(message);
                } catch (RuntimeException e) {
                    logger.info("Cannot send to the apply's client: {}", e.toString());
                }
            }
        }

        private synchronized void fail(MediameshException e) {
            if (ended) {
                return;
            }
            ended = true;
            if (!responses.isCancelled()) {
                responses.onError(ErrorCatalog.toStatusException(e));
            }
        }
    }

    private static ApplyStarted started(long applyId, ApplyPlan plan, Instant startedAt) {
        return ApplyStarted.newBuilder().setApplyId(applyId).setKind(plan.kind()).setPolicy(plan.policy())
                           .setPromotion(plan.promotion()).addAllStages(stages(plan))
                           .setStartedAt(Times.toProto(startedAt)).build();
    }

    /** The plan's stages as ApplyStarted and the audit record show them. */
    static List<ApplyStage> stages(ApplyPlan plan) {
        return plan.stages().stream().map(stage -> ApplyStage.newBuilder().setRole(stage.role())
                .setRevision(stage.revision())
                .addAllServers(stage.targets().stream().map(target -> ApplyTarget.newBuilder()
                        .setServerId(target.serverId()).setServerName(target.serverName()).build()).toList())
                .build()).toList();
    }
}
