package io.mediamesh.gateway.apply;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.annotation.Nullable;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.mediamesh.api.v1.CancelApply;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ControlApplyRequest;
import io.mediamesh.api.v1.GetApplyRequest;
import io.mediamesh.api.v1.ListAppliesRequest;
import io.mediamesh.api.v1.PromoteApply;
import io.mediamesh.gateway.ConfigSvcClients;
import io.mediamesh.gateway.admin.AdminNames;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.JsonBody;
import io.mediamesh.gateway.http.PathParams;
import java.util.concurrent.CompletableFuture;

/**
 * Recorded applies and the control of a running one, apart from the call that started it:
 * GET /api/admin/configs/applies (newest first, {@code ?kind=&limit=&cursor=}), GET
 * /api/admin/configs/applies/:id (with its events) and POST .../applies/:id/promote and
 * .../applies/:id/cancel {@code {"reason"?}}. A console that was reloaded, or a second admin, finds
 * a running apply here, follows it and may promote or cancel it. Admin sessions only (config-svc
 * checks).
 */
public final class ApplyRecordRoutes {
    private final ConfigSvcClients configSvc;

    public ApplyRecordRoutes(ConfigSvcClients configSvc) {
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
        return Calls.as(headers, () -> configSvc.configs().listApplies(call))
                    .thenApply(response -> Envelope.ok(new ApplyViews.Records(
                            response.getAppliesList().stream().map(record -> ApplyViews.record(record, null)).toList(),
                            response.getNextCursor())));
    }

    @Get("/admin/configs/applies/{id}")
    public CompletableFuture<HttpResponse> get(RequestHeaders headers, @Param("id") String id) {
        GetApplyRequest call = GetApplyRequest.newBuilder().setApplyId(PathParams.id(id, "id")).build();
        return Calls.as(headers, () -> configSvc.configs().getApply(call))
                    .thenApply(response -> Envelope.ok(ApplyViews.one(response)));
    }

    @Post("/admin/configs/applies/{id}/promote")
    public CompletableFuture<HttpResponse> promote(RequestHeaders headers, @Param("id") String id) {
        ControlApplyRequest call = ControlApplyRequest.newBuilder().setApplyId(PathParams.id(id, "id"))
                                                      .setPromote(PromoteApply.getDefaultInstance()).build();
        return Calls.as(headers, () -> configSvc.configs().controlApply(call))
                    .thenApply(response -> HttpResponse.of(HttpStatus.NO_CONTENT));
    }

    @Post("/admin/configs/applies/{id}/cancel")
    public CompletableFuture<HttpResponse> cancel(RequestHeaders headers, AggregatedHttpRequest request,
                                                  @Param("id") String id) {
        long applyId = PathParams.id(id, "id");
        String reason = request.content().isEmpty() ? ""
                                                    : JsonBody.parse(request).optionalString("reason").orElse("");
        ControlApplyRequest call = ControlApplyRequest.newBuilder().setApplyId(applyId)
                                                      .setCancel(CancelApply.newBuilder().setReason(reason)).build();
        return Calls.as(headers, () -> configSvc.configs().controlApply(call))
                    .thenApply(response -> HttpResponse.of(HttpStatus.NO_CONTENT));
    }
}
