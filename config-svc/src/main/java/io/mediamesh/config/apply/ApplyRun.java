package io.mediamesh.config.apply;

import io.mediamesh.api.v1.ApplyConfigResponse;
import io.mediamesh.api.v1.ApplyEvent;
import io.mediamesh.api.v1.ApplyOutcome;
import io.mediamesh.api.v1.ApplyPolicy;
import io.mediamesh.api.v1.ApplyStep;
import io.mediamesh.api.v1.ApplySummary;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.PromotionMode;
import io.mediamesh.api.v1.ServerApplyStatus;
import io.mediamesh.api.v1.StageAwaitingPromotion;
import io.mediamesh.common.time.Times;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * One apply's stage machine, run from its first stage to its summary on the calling thread: the
 * stages go in role order, the servers of a stage are worked on ({@link ServerApply}) by
 * {@code workers}, at most {@code maxParallel} at once, and under MANUAL promotion each next stage
 * waits to be promoted. Control messages (promote, cancel) arrive from other threads.
 *
 * <p>Under ALL_OR_NOTHING the first failure stops the launch of further servers; servers already
 * running finish, and then every activated server, in every stage, is put back on its previous
 * files (ROLLED_BACK), last stage first. A cancel does the same under either policy. Under
 * BEST_EFFORT a failing server keeps its old files and the others go on.
 */
final class ApplyRun implements ServerApply.Events {
    private final long applyId;
    private final ApplyPlan plan;
    private final BoundedFanOut fanOut;
    private final Clock clock;
    private final Consumer<ApplyConfigResponse> out;
    private final Instant startedAt;
    private final List<List<ServerApply>> stages = new ArrayList<>();

    /** Guards the fields below and the order of messages sent to {@code out}. */
    private final Object lock = new Object();
    private long sequence;
    private boolean cancelled;
    private String cancelReason = "";
    private boolean awaitingPromotion;
    private boolean promoted;
    private ServerApply firstFailure;

    ApplyRun(long applyId, ApplyPlan plan, AgentClients agents, ExecutorService workers, Clock clock,
             Instant startedAt, Consumer<ApplyConfigResponse> out) {
        this.applyId = applyId;
        this.plan = plan;
        this.fanOut = new BoundedFanOut(workers, plan.maxParallel());
        this.clock = clock;
        this.startedAt = startedAt;
        this.out = out;
        for (ApplyPlan.Stage stage : plan.stages()) {
            stages.add(stage.targets().stream().map(target -> new ServerApply(plan, target, agents, this)).toList());
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

    /** Whether the apply waits for a promotion (a human) rather than working on servers. */
    boolean isAwaitingPromotion() {
        synchronized (lock) {
            return awaitingPromotion && !promoted && !cancelled;
        }
    }

    String cancelReason() {
        synchronized (lock) {
            return cancelReason;
        }
    }

    /** Runs the apply to its end and returns the summary, which the caller sends last once it is recorded. */
    ApplySummary run() throws InterruptedException {
        for (int i = 0; i < stages.size(); i++) {
            fanOut.run(stages.get(i), this::shouldStop, ServerApply::apply);
            if (shouldStop()) {
                break;
            }
            if (plan.promotion() == PromotionMode.PROMOTION_MODE_MANUAL && i + 1 < stages.size() &&
                !awaitPromotion(plan.stages().get(i), plan.stages().get(i + 1))) {
                break;
            }
        }
        if (shouldStop()) {
            rollBackActivated();
        }
        return summarize();
    }

    @Override
    public void failed(ServerApply server) {
        synchronized (lock) {
            if (firstFailure == null) {
                firstFailure = server;
            }
        }
    }

    /** Messages leave in sequence order because they are sent while holding the lock. */
    @Override
    public void event(ServerApply server, ApplyStep step, ErrorCode code, String message, String toolOutput,
                      String version) {
        ApplyPlan.Target target = server.target();
        synchronized (lock) {
            out.accept(ApplyConfigResponse.newBuilder().setEvent(
                    ApplyEvent.newBuilder().setApplyId(applyId).setSequence(++sequence)
                              .setServerId(target.serverId()).setServerName(target.serverName())
                              .setRole(target.role()).setStep(step).setErrorCode(code).setMessage(message)
                              .setToolOutput(toolOutput).setVersion(version)
                              .setAt(Times.toProto(clock.instant()))).build());
        }
    }

    /** Puts every activated server back on its previous files, last stage first. */
    private void rollBackActivated() throws InterruptedException {
        String why = isCancelled() ? "Cancelled: " + cancelReason()
                                   : "Rolled back because " + firstFailure.target().serverName() + " failed.";
        for (int i = stages.size() - 1; i >= 0; i--) {
            List<ServerApply> activated = stages.get(i).stream().filter(
                    server -> server.status() == ServerApplyStatus.SERVER_APPLY_STATUS_ACTIVATED).toList();
            fanOut.run(activated, () -> false, server -> server.rollBack(why));
        }
    }

    private boolean awaitPromotion(ApplyPlan.Stage completed, ApplyPlan.Stage next) throws InterruptedException {
        Instant deadline = clock.instant().plus(plan.promotionTimeout());
        synchronized (lock) {
            if (cancelled) {
                return false;
            }
            awaitingPromotion = true;
            promoted = false;
            out.accept(ApplyConfigResponse.newBuilder().setAwaitingPromotion(
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
        for (List<ServerApply> stage : stages) {
            for (ServerApply server : stage) {
                total++;
                switch (server.status()) {
                    case SERVER_APPLY_STATUS_ACTIVATED -> summary.setActivated(summary.getActivated() + 1);
                    case SERVER_APPLY_STATUS_ALREADY_ACTIVE -> summary.setAlreadyActive(summary.getAlreadyActive() + 1);
                    case SERVER_APPLY_STATUS_FAILED -> summary.setFailed(summary.getFailed() + 1);
                    case SERVER_APPLY_STATUS_ROLLED_BACK -> summary.setRolledBack(summary.getRolledBack() + 1);
                    case SERVER_APPLY_STATUS_ROLLBACK_FAILED ->
                            summary.setRollbackFailed(summary.getRollbackFailed() + 1);
                    default -> summary.setNotAttempted(summary.getNotAttempted() + 1);
                }
                summary.addResults(server.result());
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
        ServerApply failure;
        synchronized (lock) {
            failure = firstFailure;
        }
        if (failure != null) {
            summary.setErrorCode(failure.errorCode())
                   .setMessage(failure.target().serverName() + ": " + failure.message() +
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
}
