package io.mediamesh.gateway.apply;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.annotation.Nullable;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import io.mediamesh.api.v1.ApplyRecord;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.GetApplyRequest;
import io.mediamesh.api.v1.ListAppliesRequest;
import io.mediamesh.gateway.ConfigSvcClients;
import io.mediamesh.gateway.admin.AdminNames;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.PathParams;
import io.mediamesh.gateway.http.Views;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The record of applies, for admins: /api/admin/configs/applies (newest first, of one kind or all)
 * and /api/admin/configs/applies/:id with every recorded event. A running apply's outcome is
 * {@code running}; its summary and finished_at are null until it ends. (The same routes and shapes
 * as the audit view's branch, which adds an outcome filter.)
 */
public final class ApplyHistoryRoutes {
    private static final String RUNNING = "running";

    private final ConfigSvcClients configSvc;

    public ApplyHistoryRoutes(ConfigSvcClients configSvc) {
        this.configSvc = configSvc;
    }

    @Get("/admin/configs/applies")
    public CompletableFuture<HttpResponse> list(RequestHeaders headers, @Param("kind") @Nullable String kind,
                                                @Param("limit") @Nullable String limit,
                                                @Param("cursor") @Nullable String cursor) {
        ListAppliesRequest call = ListAppliesRequest.newBuilder()
                                                    .setKind(kind == null || kind.isEmpty()
                                                             ? ConfigKind.CONFIG_KIND_UNSPECIFIED
                                                             : AdminNames.parseKind(kind))
                                                    .setLimit(PathParams.limit(limit))
                                                    .setCursor(cursor == null ? "" : cursor)
                                                    .build();
        return Calls.as(headers, () -> configSvc.configs().listApplies(call)).thenApply(response ->
                Envelope.ok(new ApplyPage(response.getAppliesList().stream().map(ApplyHistoryRoutes::record).toList(),
                                          response.getNextCursor().isEmpty() ? null : response.getNextCursor())));
    }

    @Get("/admin/configs/applies/{id}")
    public CompletableFuture<HttpResponse> get(RequestHeaders headers, @Param("id") String id) {
        GetApplyRequest call = GetApplyRequest.newBuilder().setApplyId(PathParams.id(id, "id")).build();
        return Calls.as(headers, () -> configSvc.configs().getApply(call)).thenApply(response -> Envelope.ok(
                new OneApply(record(response.getApply()),
                             response.getEventsList().stream().map(ApplyViews::event).toList())));
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
