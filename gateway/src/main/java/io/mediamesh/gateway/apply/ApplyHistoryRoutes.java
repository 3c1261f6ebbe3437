package io.mediamesh.gateway.apply;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.annotation.Nullable;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import io.mediamesh.api.v1.ApplyOutcome;
import io.mediamesh.api.v1.ApplyRecord;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetApplyRequest;
import io.mediamesh.api.v1.ListAppliesRequest;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.api.v1.ApplyServiceGrpc.ApplyServiceFutureStub;
import io.mediamesh.gateway.admin.AdminNames;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.PathParams;
import io.mediamesh.gateway.http.Views;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The audit trail of applies, for admins: /api/admin/configs/applies (newest first, filtered by
 * kind and outcome) and /api/admin/configs/applies/:id with every recorded event. A running apply's
 * outcome is {@code running}; its summary and finished_at are null until it ends.
 */
public final class ApplyHistoryRoutes {
    /** The outcome filter's values: the proto's outcomes in lower case, and "running". */
    private static final String RUNNING = "running";

    private final ApplyServiceFutureStub applies;

    public ApplyHistoryRoutes(ApplyServiceFutureStub applies) {
        this.applies = applies;
    }

    @Get("/admin/configs/applies")
    public CompletableFuture<HttpResponse> list(RequestHeaders headers, @Param("kind") @Nullable String kind,
                                                @Param("outcome") @Nullable String outcome,
                                                @Param("limit") @Nullable String limit,
                                                @Param("cursor") @Nullable String cursor) {
        ListAppliesRequest.Builder call = ListAppliesRequest.newBuilder()
                                                            .setKind(kind == null || kind.isEmpty()
                                                                     ? ConfigKind.CONFIG_KIND_UNSPECIFIED
                                                                     : AdminNames.parseKind(kind))
                                                            .setLimit(PathParams.limit(limit))
                                                            .setCursor(cursor == null ? "" : cursor);
        if (outcome != null && !outcome.isEmpty()) {
            call.setOutcome(outcome(outcome));
        }
        return Calls.as(headers, () -> applies.listApplies(call.build())).thenApply(response ->
                Envelope.ok(new ApplyPage(response.getAppliesList().stream().map(ApplyHistoryRoutes::record).toList(),
                                          response.getNextCursor().isEmpty() ? null : response.getNextCursor())));
    }

    @Get("/admin/configs/applies/{id}")
    public CompletableFuture<HttpResponse> get(RequestHeaders headers, @Param("id") String id) {
        GetApplyRequest call = GetApplyRequest.newBuilder().setApplyId(PathParams.id(id, "id")).build();
        return Calls.as(headers, () -> applies.getApply(call)).thenApply(response -> Envelope.ok(
                new OneApply(record(response.getApply()),
                             response.getEventsList().stream().map(ApplyViews::event).toList())));
    }

    private static ApplyOutcome outcome(String raw) {
        if (raw.equals(RUNNING)) {
            return ApplyOutcome.APPLY_OUTCOME_UNSPECIFIED;
        }
        return Arrays.stream(ApplyOutcome.values())
                     .filter(value -> value != ApplyOutcome.UNRECOGNIZED &&
                                      value != ApplyOutcome.APPLY_OUTCOME_UNSPECIFIED &&
                                      value.name().equals("APPLY_OUTCOME_" + raw.toUpperCase(Locale.ROOT)))
                     .findFirst()
                     .orElseThrow(() -> new MediameshException(ErrorCode.INVALID_REQUEST,
                             "outcome must be one of running, succeeded, partial, rolled_back, cancelled, failed."));
    }

    private static ApplyView record(ApplyRecord apply) {
        boolean running = !apply.hasSummary();
        return new ApplyView(apply.getApplyId(), AdminNames.kind(apply.getKind()),
                             apply.getRolesList().stream().map(AdminNames::role).toList(),
                             apply.getRequestedRevision(),
                             apply.getStagesList().stream().map(ApplyViews::stage).toList(),
                             Views.lowerEnum(apply.getPolicy(), "APPLY_POLICY_"),
                             Views.lowerEnum(apply.getPromotion(), "PROMOTION_MODE_"), apply.getAuthor(),
                             apply.getMessage(),
                             running ? RUNNING : Views.lowerEnum(apply.getSummary().getOutcome(), "APPLY_OUTCOME_"),
                             running ? null : ApplyViews.summary(apply.getSummary()),
                             Views.time(apply.getStartedAt()),
                             apply.hasFinishedAt() ? Views.time(apply.getFinishedAt()) : null,
                             apply.getCancelReason().isEmpty() ? null : apply.getCancelReason());
    }

    /** One recorded apply; {@code summary} and {@code finished_at} are null while it runs. */
    record ApplyView(long applyId, String kind, List<String> roles, long requestedRevision,
                     List<ApplyViews.Stage> stages, String policy, String promotion, String author, String message,
                     String outcome, ApplyViews.Summary summary, String startedAt, String finishedAt,
                     @JsonInclude(JsonInclude.Include.NON_NULL) String cancelReason) {}

    record ApplyPage(List<ApplyView> applies, String nextCursor) {}

    record OneApply(ApplyView apply, List<ApplyViews.Event> events) {}
}
