package io.mediamesh.gateway.apply;

import io.mediamesh.api.v1.ApplyConfigResponse;
import io.mediamesh.api.v1.ApplyEvent;
import io.mediamesh.api.v1.ApplyStage;
import io.mediamesh.api.v1.ApplyStarted;
import io.mediamesh.api.v1.ApplySummary;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.ServerApplyResult;
import io.mediamesh.api.v1.StageAwaitingPromotion;
import io.mediamesh.gateway.admin.AdminNames;
import io.mediamesh.gateway.http.Views;
import java.util.List;

/**
 * ApplyConfig's messages in REST form: one JSON object each, told apart by {@code type}
 * (started, event, awaiting_promotion, summary, error), enums in lower case, times in RFC 3339.
 */
final class ApplyViews {
    private ApplyViews() {}

    record Started(String type, long applyId, String kind, String policy, String promotion, List<Stage> stages,
                   String startedAt) {}

    record Stage(String role, long revision, List<Target> servers) {}

    record Target(long serverId, String serverName) {}

    record Event(String type, long applyId, long sequence, long serverId, String serverName, String role,
                 String step, String errorCode, String message, String toolOutput, String version, String at) {}

    record AwaitingPromotion(String type, long applyId, String completedRole, String nextRole, int nextStageServers,
                             String deadline) {}

    record Summary(String type, long applyId, String outcome, String errorCode, String message, int serversTotal,
                   int activated, int alreadyActive, int failed, int rolledBack, int rollbackFailed,
                   int notAttempted, List<Result> results, String startedAt, String finishedAt) {}

    record Result(long serverId, String serverName, String role, String status, String previousVersion,
                  String version, String errorCode, String message, String toolOutput) {}

    /** A failure of the stream itself, or a client message the gateway could not pass on. */
    record Error(String type, String code, String message) {
        Error(ErrorCode code, String message) {
            this("error", code.name(), message);
        }
    }

    static Object of(ApplyConfigResponse message) {
        return switch (message.getMessageCase()) {
            case STARTED -> started(message.getStarted());
            case EVENT -> event(message.getEvent());
            case AWAITING_PROMOTION -> awaiting(message.getAwaitingPromotion());
            case SUMMARY -> summary(message.getSummary());
            case MESSAGE_NOT_SET -> new Error(ErrorCode.INTERNAL_ERROR, "An empty message came from config-svc.");
        };
    }

    private static Started started(ApplyStarted started) {
        return new Started("started", started.getApplyId(), AdminNames.kind(started.getKind()),
                           Views.lowerEnum(started.getPolicy(), "APPLY_POLICY_"),
                           Views.lowerEnum(started.getPromotion(), "PROMOTION_MODE_"),
                           started.getStagesList().stream().map(ApplyViews::stage).toList(),
                           Views.time(started.getStartedAt()));
    }

    static Stage stage(ApplyStage stage) {
        return new Stage(role(stage.getRole()), stage.getRevision(),
                         stage.getServersList().stream()
                              .map(target -> new Target(target.getServerId(), target.getServerName())).toList());
    }

    static Event event(ApplyEvent event) {
        return new Event("event", event.getApplyId(), event.getSequence(), event.getServerId(), event.getServerName(),
                         role(event.getRole()), Views.lowerEnum(event.getStep(), "APPLY_STEP_"),
                         code(event.getErrorCode()), event.getMessage(), event.getToolOutput(), event.getVersion(),
                         Views.time(event.getAt()));
    }

    private static AwaitingPromotion awaiting(StageAwaitingPromotion awaiting) {
        return new AwaitingPromotion("awaiting_promotion", awaiting.getApplyId(), role(awaiting.getCompletedRole()),
                                     role(awaiting.getNextRole()), awaiting.getNextStageServers(),
                                     Views.time(awaiting.getDeadline()));
    }

    static Summary summary(ApplySummary summary) {
        return new Summary("summary", summary.getApplyId(), Views.lowerEnum(summary.getOutcome(), "APPLY_OUTCOME_"),
                           code(summary.getErrorCode()), summary.getMessage(), summary.getServersTotal(),
                           summary.getActivated(), summary.getAlreadyActive(), summary.getFailed(),
                           summary.getRolledBack(), summary.getRollbackFailed(), summary.getNotAttempted(),
                           summary.getResultsList().stream().map(ApplyViews::result).toList(),
                           Views.time(summary.getStartedAt()), Views.time(summary.getFinishedAt()));
    }

    private static Result result(ServerApplyResult result) {
        return new Result(result.getServerId(), result.getServerName(), role(result.getRole()),
                          Views.lowerEnum(result.getStatus(), "SERVER_APPLY_STATUS_"), result.getPreviousVersion(),
                          result.getVersion(), code(result.getErrorCode()), result.getMessage(),
                          result.getToolOutput());
    }

    private static String role(MediaServerRole role) {
        return AdminNames.role(role);
    }

    /** The catalog code's name, or null when there is none. */
    private static String code(ErrorCode code) {
        return code == ErrorCode.ERROR_CODE_UNSPECIFIED ? null : code.name();
    }
}
