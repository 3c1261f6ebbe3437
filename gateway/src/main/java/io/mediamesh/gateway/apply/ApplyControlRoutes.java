package io.mediamesh.gateway.apply;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.mediamesh.api.v1.CancelApply;
import io.mediamesh.api.v1.ControlApplyRequest;
import io.mediamesh.api.v1.PromoteApply;
import io.mediamesh.api.v1.ApplyServiceGrpc.ApplyServiceFutureStub;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.JsonBody;
import io.mediamesh.gateway.http.PathParams;
import java.util.concurrent.CompletableFuture;

/**
 * Promote or cancel a running apply apart from the call that started it: POST
 * /api/admin/configs/applies/:id/promote and .../applies/:id/cancel {@code {"reason"?}}. A console
 * that was reloaded, or a second admin, finds the apply through {@link ApplyHistoryRoutes} and
 * steers it here. Admin sessions only (config-svc checks).
 */
public final class ApplyControlRoutes {
    private final ApplyServiceFutureStub applies;

    public ApplyControlRoutes(ApplyServiceFutureStub applies) {
        this.applies = applies;
    }

    @Post("/admin/configs/applies/{id}/promote")
    public CompletableFuture<HttpResponse> promote(RequestHeaders headers, @Param("id") String id) {
        ControlApplyRequest call = ControlApplyRequest.newBuilder().setApplyId(PathParams.id(id, "id"))
                                                      .setPromote(PromoteApply.getDefaultInstance()).build();
        return Calls.as(headers, () -> applies.controlApply(call))
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
        return Calls.as(headers, () -> applies.controlApply(call))
                    .thenApply(response -> HttpResponse.of(HttpStatus.NO_CONTENT));
    }
}
