package io.mediamesh.config.apply;

import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.ActivateConfigRequest;
import io.mediamesh.api.v1.ActivateConfigResponse;
import io.mediamesh.api.v1.ApplyConfigResponse;
import io.mediamesh.api.v1.ApplyEvent;
import io.mediamesh.api.v1.ApplyOutcome;
import io.mediamesh.api.v1.ApplyPolicy;
import io.mediamesh.api.v1.ApplyStep;
import io.mediamesh.api.v1.ApplySummary;
import io.mediamesh.api.v1.ConfigAgentServiceGrpc.ConfigAgentServiceBlockingStub;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.PromotionMode;
import io.mediamesh.api.v1.RollbackConfigRequest;
import io.mediamesh.api.v1.RollbackConfigResponse;
import io.mediamesh.api.v1.ServerApplyResult;
import io.mediamesh.api.v1.ServerApplyStatus;
import io.mediamesh.api.v1.StageAwaitingPromotion;
import io.mediamesh.api.v1.StageConfigRequest;
import io.mediamesh.api.v1.StageConfigResponse;
import io.mediamesh.api.v1.ValidateConfigRequest;
import io.mediamesh.api.v1.ValidateConfigResponse;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.time.Times;
import io.mediamesh.config.ConfigKinds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One apply, run from its first stage to its summary on the calling thread, with the servers of a
 * stage worked on by {@code workers} (at most {@code maxParallel} at once, each within its own
 * deadline). Control messages (promote, cancel) arrive from other threads.
 *
 * <p>Per server: RENDERED, then StageConfig (PUSHED, or SKIPPED when the version is already
 * active), ValidateConfig (VALIDATED, or FAILED with the tool's output), ActivateConfig
 * (ACTIVATED, or FAILED). Under ALL_OR_NOTHING the first failure stops the launch of further
 * servers; servers already running finish, and then every activated server, in every stage, is
 * put back on its previous files (ROLLED_BACK), last stage first. A cancel does the same under
 * either policy. Under BEST_EFFORT a failing server keeps its old files and the others go on.
 */
final class ApplyRun {
    private static final Logger logger = LoggerFactory.getLogger(ApplyRun.class);

    private final long applyId;
    private final ApplyPlan plan;
    private final AgentClients agents;
    private final ExecutorService workers;
    private final Clock clock;
    private final Consumer<ApplyConfigResponse> out;
    private final Instant startedAt;
    private final List<List<Server>> stages = new ArrayList<>();

    /** Guards the fields below and the order of messages sent to {@code out}. */
    private final Object lock = new Object();
    private long sequence;
    private boolean cancelled;
    private String cancelReason = "";
    private boolean awaitingPromotion;
    private boolean promoted;
    private Server firstFailure;

    /** Where one server is; written by the one thread working on it, read after that thread ends. */
    private static final class Server {
        final ApplyPlan.Target target;
        volatile ServerApplyStatus status = ServerApplyStatus.SERVER_APPLY_STATUS_NOT_ATTEMPTED;
        volatile String previousVersion = "";
        volatile ErrorCode errorCode = ErrorCode.ERROR_CODE_UNSPECIFIED;
        volatile String message = "";
        volatile String toolOutput = "";

        Server(ApplyPlan.Target target) {
            this.target = target;
        }
    }

    ApplyRun(long applyId, ApplyPlan plan, AgentClients agents, ExecutorService workers, Clock clock,
             Instant startedAt, Consumer<ApplyConfigResponse> out) {
        this.applyId = applyId;
        this.plan = plan;
        this.agents = agents;
        this.workers = workers;
        this.clock = clock;
        this.startedAt = startedAt;
        this.out = out;
        for (ApplyPlan.Stage stage : plan.stages()) {
            stages.add(stage.targets().stream().map(Server::new).toList());
        }
    }

    /** Stops the apply: servers being worked on finish, then touched servers roll back. */
    void cancel(String reason) {
        synchronized (lock) {
            if (!cancelled) {
                cancelled = true;
                cancelReason = reason;
            }
            lock.notifyAll();
        }
    }

    /** Starts the next stage if one awaits promotion; false if none does. */
    boolean promote() {
        synchronized (lock) {
            if (!awaitingPromotion || cancelled) {
                return false;
            }
            promoted = true;
            lock.notifyAll();
            return true;
        }
    }

    /** Whether this apply targets the server (until it ends, it may still touch it). */
    boolean targets(long serverId) {
        return plan.stages().stream().flatMap(stage -> stage.targets().stream())
                   .anyMatch(target -> target.serverId() == serverId);
    }

    String cancelReason() {
        synchronized (lock) {
            return cancelReason;
        }
    }

    /** Runs the apply to its end and returns the summary, which the caller sends last once it is recorded. */
    ApplySummary run() throws InterruptedException {
        for (int i = 0; i < stages.size(); i++) {
            runStage(stages.get(i));
            if (shouldStop()) {
                break;
            }
            if (plan.promotion() == PromotionMode.PROMOTION_MODE_MANUAL && i + 1 < stages.size() &&
                !awaitPromotion(plan.stages().get(i), plan.stages().get(i + 1))) {
                break;
            }
        }
        if (isCancelled() || failedAllOrNothing()) {
            rollBackActivated();
        }
        return summarize();
    }

    private void runStage(List<Server> servers) throws InterruptedException {
        Semaphore slots = new Semaphore(plan.maxParallel());
        List<Future<?>> running = new ArrayList<>();
        for (Server server : servers) {
            slots.acquire();
            if (shouldStop()) {
                slots.release();
                break;
            }
            running.add(workers.submit(() -> {
                try {
                    applyTo(server);
                } finally {
                    slots.release();
                }
            }));
        }
        awaitAll(running);
    }

    private void applyTo(Server server) {
        ApplyPlan.Target target = server.target;
        ConfigAgentServiceBlockingStub agent = agents.agent(target.agentEndpoint());
        Deadline deadline = Deadline.after(plan.perServerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        event(server, ApplyStep.APPLY_STEP_RENDERED, ErrorCode.ERROR_CODE_UNSPECIFIED,
              target.files().size() + " file(s) rendered, sha256 " + target.sha256(), "", target.version());
        boolean mayBeActive = false;
        try {
            StageConfigResponse staged = agent.withDeadline(deadline).stageConfig(
                    StageConfigRequest.newBuilder().setKind(plan.kind()).setVersion(target.version())
                                      .addAllFiles(target.files()).build());
            if (staged.getAlreadyActive()) {
                server.status = ServerApplyStatus.SERVER_APPLY_STATUS_ALREADY_ACTIVE;
                server.previousVersion = target.version();
                event(server, ApplyStep.APPLY_STEP_SKIPPED, ErrorCode.ERROR_CODE_UNSPECIFIED,
                      "Version " + target.version() + " is already active.", "", target.version());
                return;
            }
            if (!staged.getSha256().equals(target.sha256())) {
                fail(server, ErrorCode.INTERNAL_ERROR, "The agent staged files with sha256 " + staged.getSha256() +
                                                       ", not the rendered " + target.sha256() + '.', "");
                return;
            }
            event(server, ApplyStep.APPLY_STEP_PUSHED, ErrorCode.ERROR_CODE_UNSPECIFIED,
                  "Staged on " + target.serverName() + "'s agent.", "", target.version());
            ValidateConfigResponse validated = agent.withDeadline(deadline).validateConfig(
                    ValidateConfigRequest.newBuilder().setKind(plan.kind()).setVersion(target.version()).build());
            if (!validated.getOk()) {
                fail(server, ErrorCode.CONFIG_VALIDATION_FAILED,
                     kindName() + " rejected the files (exit status " + validated.getExitCode() + ").",
                     validated.getToolOutput());
                return;
            }
            event(server, ApplyStep.APPLY_STEP_VALIDATED, ErrorCode.ERROR_CODE_UNSPECIFIED,
                  kindName() + " accepted the files.", validated.getToolOutput(), target.version());
            mayBeActive = true;
            ActivateConfigResponse activated = agent.withDeadline(deadline).activateConfig(
                    ActivateConfigRequest.newBuilder().setKind(plan.kind()).setVersion(target.version()).build());
            server.previousVersion = activated.getPreviousVersion();
            server.status = ServerApplyStatus.SERVER_APPLY_STATUS_ACTIVATED;
            event(server, ApplyStep.APPLY_STEP_ACTIVATED, ErrorCode.ERROR_CODE_UNSPECIFIED,
                  "In force" + (activated.getPreviousVersion().isEmpty() ? "."
                                : "; version " + activated.getPreviousVersion() + " kept as the last good one.") +
                  (activated.getReloaded() ? " Reloaded." : ""),
                  activated.getReloadOutput(), target.version());
        } catch (StatusRuntimeException e) {
            ErrorCode code = classify(e);
            String detail = e.getStatus().getDescription() == null ? e.getStatus().getCode().name()
                                                                    : e.getStatus().getDescription();
            boolean rejected = code == ErrorCode.CONFIG_VALIDATION_FAILED;
            if (code == ErrorCode.CONFIG_TARGET_UNREACHABLE) {
                // The description of a failed connection names internal addresses: logged, not told.
                logger.warn("The agent of {} at {} did not answer: {}", target.serverName(), target.agentEndpoint(),
                            detail);
            }
            fail(server, code, code == ErrorCode.CONFIG_TARGET_UNREACHABLE
                               ? "The agent of " + target.serverName() + " did not answer (" +
                                 e.getStatus().getCode() + ")."
                               : rejected ? "The server rejected the files when reloading." : detail,
                 rejected ? detail : "");
            if (mayBeActive && code == ErrorCode.CONFIG_TARGET_UNREACHABLE) {
                // The activation may have happened before the agent went silent: undo it if so.
                rollBack(server, server.message, true);
            }
        }
    }

    private void fail(Server server, ErrorCode code, String message, String toolOutput) {
        server.status = ServerApplyStatus.SERVER_APPLY_STATUS_FAILED;
        server.errorCode = code;
        server.message = message;
        server.toolOutput = toolOutput;
        synchronized (lock) {
            if (firstFailure == null) {
                firstFailure = server;
            }
        }
        event(server, ApplyStep.APPLY_STEP_FAILED, code, message, toolOutput, server.target.version());
    }

    /** Puts every activated server back on its previous files, last stage first. */
    private void rollBackActivated() throws InterruptedException {
        String why = isCancelled() ? "Cancelled: " + cancelReason()
                                   : "Rolled back because " + firstFailure.target.serverName() + " failed.";
        for (int i = stages.size() - 1; i >= 0; i--) {
            Semaphore slots = new Semaphore(plan.maxParallel());
            List<Future<?>> running = new ArrayList<>();
            for (Server server : stages.get(i)) {
                if (server.status != ServerApplyStatus.SERVER_APPLY_STATUS_ACTIVATED) {
                    continue;
                }
                slots.acquire();
                running.add(workers.submit(() -> {
                    try {
                        rollBack(server, why, false);
                    } finally {
                        slots.release();
                    }
                }));
            }
            awaitAll(running);
        }
    }

    /**
     * Restores a server's previous files, guarded by the version this apply activated, so that
     * nothing changes where that version is not (or no longer) in force.
     *
     * @param failedHere the server itself failed (it keeps status FAILED when rolled back)
     */
    private void rollBack(Server server, String why, boolean failedHere) {
        ApplyPlan.Target target = server.target;
        Deadline deadline = Deadline.after(plan.perServerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            RollbackConfigResponse response = agents.agent(target.agentEndpoint()).withDeadline(deadline).rollbackConfig(
                    RollbackConfigRequest.newBuilder().setKind(plan.kind()).setIfActiveVersion(target.version()).build());
            if (response.getRolledBack()) {
                if (!failedHere) {
                    server.status = ServerApplyStatus.SERVER_APPLY_STATUS_ROLLED_BACK;
                    server.errorCode = ErrorCode.CONFIG_ROLLED_BACK;
                    server.message = why;
                }
                event(server, ApplyStep.APPLY_STEP_ROLLED_BACK, ErrorCode.CONFIG_ROLLED_BACK,
                      why + " Back on " + describe(response.getRestoredVersion()) + '.', response.getReloadOutput(),
                      response.getRestoredVersion());
            } else if (!failedHere) {
                rollbackFailed(server, ErrorCode.INTERNAL_ERROR, "Version " + target.version() +
                               " is no longer active (" + describe(response.getRestoredVersion()) +
                               " is); left as it is.");
            }
        } catch (StatusRuntimeException e) {
            ErrorCode code = classify(e);
            rollbackFailed(server, code, "Rolling back failed: " + (code == ErrorCode.CONFIG_TARGET_UNREACHABLE
                    ? "the agent of " + target.serverName() + " did not answer." : e.getStatus().getDescription()));
        }
    }

    private void rollbackFailed(Server server, ErrorCode code, String message) {
        server.status = ServerApplyStatus.SERVER_APPLY_STATUS_ROLLBACK_FAILED;
        server.errorCode = code;
        server.message = message;
        event(server, ApplyStep.APPLY_STEP_ROLLBACK_FAILED, code, message, "", server.target.version());
    }

    private boolean awaitPromotion(ApplyPlan.Stage completed, ApplyPlan.Stage next) throws InterruptedException {
        Instant deadline = clock.instant().plus(plan.promotionTimeout());
        synchronized (lock) {
            if (cancelled) {
                return false;
            }
            awaitingPromotion = true;
            promoted = false;
            sendLocked(ApplyConfigResponse.newBuilder().setAwaitingPromotion(
                    StageAwaitingPromotion.newBuilder().setApplyId(applyId).setCompletedRole(completed.role())
                                          .setNextRole(next.role()).setNextStageServers(next.targets().size())
                                          .setDeadline(Times.toProto(deadline))).build());
            while (!promoted && !cancelled) {
                long remaining = Duration.between(clock.instant(), deadline).toMillis();
                if (remaining <= 0) {
                    cancelled = true;
                    cancelReason = "No promotion within " + plan.promotionTimeout().toSeconds() + " s.";
                    break;
                }
                lock.wait(remaining);
            }
            awaitingPromotion = false;
            return !cancelled;
        }
    }

    private ApplySummary summarize() {
        ApplySummary.Builder summary = ApplySummary.newBuilder().setApplyId(applyId)
                                                   .setStartedAt(Times.toProto(startedAt))
                                                   .setFinishedAt(Times.toProto(clock.instant()));
        int total = 0;
        for (List<Server> stage : stages) {
            for (Server server : stage) {
                total++;
                switch (server.status) {
                    case SERVER_APPLY_STATUS_ACTIVATED -> summary.setActivated(summary.getActivated() + 1);
                    case SERVER_APPLY_STATUS_ALREADY_ACTIVE -> summary.setAlreadyActive(summary.getAlreadyActive() + 1);
                    case SERVER_APPLY_STATUS_FAILED -> summary.setFailed(summary.getFailed() + 1);
                    case SERVER_APPLY_STATUS_ROLLED_BACK -> summary.setRolledBack(summary.getRolledBack() + 1);
                    case SERVER_APPLY_STATUS_ROLLBACK_FAILED ->
                            summary.setRollbackFailed(summary.getRollbackFailed() + 1);
                    default -> summary.setNotAttempted(summary.getNotAttempted() + 1);
                }
                ApplyPlan.Target target = server.target;
                summary.addResults(ServerApplyResult.newBuilder().setServerId(target.serverId())
                                                    .setServerName(target.serverName()).setRole(target.role())
                                                    .setStatus(server.status)
                                                    .setPreviousVersion(server.previousVersion)
                                                    .setVersion(target.version()).setErrorCode(server.errorCode)
                                                    .setMessage(server.message).setToolOutput(server.toolOutput));
            }
        }
        summary.setServersTotal(total);
        boolean failures = summary.getFailed() > 0 || summary.getRollbackFailed() > 0;
        ApplyOutcome outcome;
        if (summary.getRollbackFailed() > 0) {
            outcome = ApplyOutcome.APPLY_OUTCOME_FAILED;
        } else if (isCancelled()) {
            outcome = ApplyOutcome.APPLY_OUTCOME_CANCELLED;
        } else if (failures && plan.policy() == ApplyPolicy.APPLY_POLICY_BEST_EFFORT) {
            outcome = ApplyOutcome.APPLY_OUTCOME_PARTIAL;
        } else if (failures) {
            outcome = ApplyOutcome.APPLY_OUTCOME_ROLLED_BACK;
        } else {
            outcome = ApplyOutcome.APPLY_OUTCOME_SUCCEEDED;
        }
        summary.setOutcome(outcome);
        Server failure;
        synchronized (lock) {
            failure = firstFailure;
        }
        if (failure != null) {
            summary.setErrorCode(failure.errorCode)
                   .setMessage(failure.target.serverName() + ": " + failure.message +
                               (outcome == ApplyOutcome.APPLY_OUTCOME_ROLLED_BACK
                                ? " Every touched server is back on its previous files." : ""));
        } else if (outcome == ApplyOutcome.APPLY_OUTCOME_CANCELLED) {
            summary.setErrorCode(summary.getRolledBack() > 0 ? ErrorCode.CONFIG_ROLLED_BACK
                                                             : ErrorCode.ERROR_CODE_UNSPECIFIED)
                   .setMessage("Cancelled: " + cancelReason());
        } else {
            summary.setMessage(summary.getActivated() + " server(s) activated, " + summary.getAlreadyActive() +
                               " already up to date.");
        }
        if (outcome == ApplyOutcome.APPLY_OUTCOME_FAILED) {
            summary.setMessage(summary.getMessage() + " " + summary.getRollbackFailed() +
                               " server(s) could not be rolled back and may run the new version.");
        }
        return summary.build();
    }

    private void event(Server server, ApplyStep step, ErrorCode code, String message, String toolOutput,
                       String version) {
        ApplyPlan.Target target = server.target;
        synchronized (lock) {
            sendLocked(ApplyConfigResponse.newBuilder().setEvent(
                    ApplyEvent.newBuilder().setApplyId(applyId).setSequence(++sequence)
                              .setServerId(target.serverId()).setServerName(target.serverName())
                              .setRole(target.role()).setStep(step).setErrorCode(code).setMessage(message)
                              .setToolOutput(toolOutput).setVersion(version)
                              .setAt(Times.toProto(clock.instant()))).build());
        }
    }

    /** Messages leave in sequence order because they are sent while holding the lock. */
    private void sendLocked(ApplyConfigResponse message) {
        out.accept(message);
    }

    private boolean shouldStop() {
        return isCancelled() || failedAllOrNothing();
    }

    private boolean isCancelled() {
        synchronized (lock) {
            return cancelled;
        }
    }

    private boolean failedAllOrNothing() {
        synchronized (lock) {
            return firstFailure != null && plan.policy() != ApplyPolicy.APPLY_POLICY_BEST_EFFORT;
        }
    }

    private String kindName() {
        return ConfigKinds.name(plan.kind());
    }

    private static void awaitAll(List<Future<?>> running) throws InterruptedException {
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("A server's worker failed", e.getCause());
            }
        }
    }

    /** A failed agent call as an apply error code: silence is CONFIG_TARGET_UNREACHABLE. */
    private static ErrorCode classify(StatusRuntimeException e) {
        Status.Code status = e.getStatus().getCode();
        if (status == Status.Code.UNAVAILABLE || status == Status.Code.DEADLINE_EXCEEDED ||
            status == Status.Code.CANCELLED) {
            return ErrorCode.CONFIG_TARGET_UNREACHABLE;
        }
        return ErrorCatalog.reasonOf(e).orElse(ErrorCode.INTERNAL_ERROR);
    }

    private static String describe(String version) {
        return version.isEmpty() ? "no files (nothing was in force before)" : "version " + version;
    }
}
