package io.mediamesh.config.apply;

import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.ActivateConfigRequest;
import io.mediamesh.api.v1.ActivateConfigResponse;
import io.mediamesh.api.v1.ApplyStep;
import io.mediamesh.api.v1.ConfigAgentServiceGrpc.ConfigAgentServiceBlockingStub;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.RollbackConfigRequest;
import io.mediamesh.api.v1.RollbackConfigResponse;
import io.mediamesh.api.v1.ServerApplyResult;
import io.mediamesh.api.v1.ServerApplyStatus;
import io.mediamesh.api.v1.StageConfigRequest;
import io.mediamesh.api.v1.StageConfigResponse;
import io.mediamesh.api.v1.ValidateConfigRequest;
import io.mediamesh.api.v1.ValidateConfigResponse;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.config.ConfigKinds;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server's part of an apply: RENDERED, then StageConfig (PUSHED, or SKIPPED when the version is
 * already active), ValidateConfig (VALIDATED, or FAILED with the tool's output), ActivateConfig
 * (ACTIVATED, or FAILED), and, when the run asks, RollbackConfig (ROLLED_BACK). Each agent call
 * has the server's own deadline. Where the server is is written by the one thread working on it
 * and read after that thread ends.
 */
final class ServerApply {
    private static final Logger logger = LoggerFactory.getLogger(ServerApply.class);

    /** Where a server's steps go: the run numbers them and sends them in order. */
    interface Events {
        void event(ServerApply server, ApplyStep step, ErrorCode code, String message, String toolOutput,
                   String version);

        /** The server failed; called before the FAILED event is sent. */
        void failed(ServerApply server);
    }

    private final ApplyPlan.Target target;
    private final ConfigKind kind;
    private final Duration timeout;
    private final AgentClients agents;
    private final Events events;
    private volatile ServerApplyStatus status = ServerApplyStatus.SERVER_APPLY_STATUS_NOT_ATTEMPTED;
    private volatile String previousVersion = "";
    private volatile ErrorCode errorCode = ErrorCode.ERROR_CODE_UNSPECIFIED;
    private volatile String message = "";
    private volatile String toolOutput = "";

    ServerApply(ApplyPlan plan, ApplyPlan.Target target, AgentClients agents, Events events) {
        this.target = target;
        this.kind = plan.kind();
        this.timeout = plan.perServerTimeout();
        this.agents = agents;
        this.events = events;
    }

    ApplyPlan.Target target() {
        return target;
    }

    ServerApplyStatus status() {
        return status;
    }

    ErrorCode errorCode() {
        return errorCode;
    }

    String message() {
        return message;
    }

    ServerApplyResult result() {
        return ServerApplyResult.newBuilder().setServerId(target.serverId()).setServerName(target.serverName())
                                .setRole(target.role()).setStatus(status).setPreviousVersion(previousVersion)
                                .setVersion(target.version()).setErrorCode(errorCode).setMessage(message)
                                .setToolOutput(toolOutput).build();
    }

    /** Stages, validates and activates the server's files; a failure is reported, never thrown. */
    void apply() {
        ConfigAgentServiceBlockingStub agent = agent();
        event(ApplyStep.APPLY_STEP_RENDERED, ErrorCode.ERROR_CODE_UNSPECIFIED,
              target.files().size() + " file(s) rendered, sha256 " + target.sha256(), "", target.version());
        boolean mayBeActive = false;
        try {
            StageConfigResponse staged = agent.stageConfig(
                    StageConfigRequest.newBuilder().setKind(kind).setVersion(target.version())
                                      .addAllFiles(target.files()).build());
            if (staged.getAlreadyActive()) {
                status = ServerApplyStatus.SERVER_APPLY_STATUS_ALREADY_ACTIVE;
                previousVersion = target.version();
                event(ApplyStep.APPLY_STEP_SKIPPED, ErrorCode.ERROR_CODE_UNSPECIFIED,
                      "Version " + target.version() + " is already active.", "", target.version());
                return;
            }
            if (!staged.getSha256().equals(target.sha256())) {
                fail(ErrorCode.INTERNAL_ERROR, "The agent staged files with sha256 " + staged.getSha256() +
                                               ", not the rendered " + target.sha256() + '.', "");
                return;
            }
            event(ApplyStep.APPLY_STEP_PUSHED, ErrorCode.ERROR_CODE_UNSPECIFIED,
                  "Staged on " + target.serverName() + "'s agent.", "", target.version());
            ValidateConfigResponse validated = agent.validateConfig(
                    ValidateConfigRequest.newBuilder().setKind(kind).setVersion(target.version()).build());
            if (!validated.getOk()) {
                fail(ErrorCode.CONFIG_VALIDATION_FAILED,
                     kindName() + " rejected the files (exit status " + validated.getExitCode() + ").",
                     validated.getToolOutput());
                return;
            }
            event(ApplyStep.APPLY_STEP_VALIDATED, ErrorCode.ERROR_CODE_UNSPECIFIED,
                  kindName() + " accepted the files.", validated.getToolOutput(), target.version());
            mayBeActive = true;
            ActivateConfigResponse activated = agent.activateConfig(
                    ActivateConfigRequest.newBuilder().setKind(kind).setVersion(target.version()).build());
            previousVersion = activated.getPreviousVersion();
            status = ServerApplyStatus.SERVER_APPLY_STATUS_ACTIVATED;
            event(ApplyStep.APPLY_STEP_ACTIVATED, ErrorCode.ERROR_CODE_UNSPECIFIED,
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
            fail(code, code == ErrorCode.CONFIG_TARGET_UNREACHABLE
                       ? "The agent of " + target.serverName() + " did not answer (" + e.getStatus().getCode() + ")."
                       : rejected ? "The server rejected the files when reloading." : detail,
                 rejected ? detail : "");
            if (mayBeActive && code == ErrorCode.CONFIG_TARGET_UNREACHABLE) {
                // The activation may have happened before the agent went silent: undo it if so.
                rollBack(message, true);
            }
        }
    }

    /** Puts an activated server back on its previous files (ROLLED_BACK, or ROLLBACK_FAILED). */
    void rollBack(String why) {
        rollBack(why, false);
    }

    /**
     * Restores the server's previous files, guarded by the version this apply activated, so that
     * nothing changes where that version is not (or no longer) in force.
     *
     * @param failedHere the server itself failed (it keeps status FAILED when rolled back)
     */
    private void rollBack(String why, boolean failedHere) {
        try {
            RollbackConfigResponse response = agent().rollbackConfig(
                    RollbackConfigRequest.newBuilder().setKind(kind).setIfActiveVersion(target.version()).build());
            if (response.getRolledBack()) {
                if (!failedHere) {
                    status = ServerApplyStatus.SERVER_APPLY_STATUS_ROLLED_BACK;
                    errorCode = ErrorCode.CONFIG_ROLLED_BACK;
                    message = why;
                }
                event(ApplyStep.APPLY_STEP_ROLLED_BACK, ErrorCode.CONFIG_ROLLED_BACK,
                      why + " Back on " + describe(response.getRestoredVersion()) + '.', response.getReloadOutput(),
                      response.getRestoredVersion());
            } else if (!failedHere) {
                rollbackFailed(ErrorCode.INTERNAL_ERROR, "Version " + target.version() + " is no longer active (" +
                                                         describe(response.getRestoredVersion()) +
                                                         " is); left as it is.");
            }
        } catch (StatusRuntimeException e) {
            ErrorCode code = classify(e);
            rollbackFailed(code, "Rolling back failed: " + (code == ErrorCode.CONFIG_TARGET_UNREACHABLE
                    ? "the agent of " + target.serverName() + " did not answer." : e.getStatus().getDescription()));
        }
    }

    private void fail(ErrorCode code, String failure, String output) {
        status = ServerApplyStatus.SERVER_APPLY_STATUS_FAILED;
        errorCode = code;
        message = failure;
        toolOutput = output;
        events.failed(this);
        event(ApplyStep.APPLY_STEP_FAILED, code, failure, output, target.version());
    }

    private void rollbackFailed(ErrorCode code, String failure) {
        status = ServerApplyStatus.SERVER_APPLY_STATUS_ROLLBACK_FAILED;
        errorCode = code;
        message = failure;
        event(ApplyStep.APPLY_STEP_ROLLBACK_FAILED, code, failure, "", target.version());
    }

    private void event(ApplyStep step, ErrorCode code, String text, String output, String version) {
        events.event(this, step, code, text, output, version);
    }

    /** The server's agent, its calls bounded by a deadline that starts now. */
    private ConfigAgentServiceBlockingStub agent() {
        return agents.agent(target.serverName(), target.agentEndpoint())
                     .withDeadline(Deadline.after(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    private String kindName() {
        return ConfigKinds.name(kind);
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
