package io.mediamesh.gateway.apply;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Post;
import io.mediamesh.api.v1.ApplyConfigRequest;
import io.mediamesh.api.v1.ApplyConfigResponse;
import io.mediamesh.api.v1.ApplyServiceGrpc.ApplyServiceStub;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.PromotionMode;
import io.mediamesh.api.v1.StartApply;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.JsonBody;
import io.mediamesh.gateway.http.RestErrors;
import java.util.concurrent.CompletableFuture;

/**
 * POST /api/admin/configs/apply: starts an apply and streams its progress as newline-delimited
 * JSON while it happens, one line per config-svc message (started, event, summary). The response
 * begins only once config-svc has accepted the apply, so refusals (400, 401, 403, 409) are plain
 * envelopes with their own status. A client that disconnects cancels the apply.
 */
public final class ApplyRoutes {
    static final MediaType NDJSON = MediaType.parse("application/x-ndjson");

    private final ApplyServiceStub applies;

    /** @param applies a stub whose timeout bounds a whole apply */
    public ApplyRoutes(ApplyServiceStub applies) {
        this.applies = applies;
    }

    @Post("/admin/configs/apply")
    public CompletableFuture<HttpResponse> apply(ServiceRequestContext ctx, RequestHeaders headers,
                                                 AggregatedHttpRequest request) {
        StartApply start = ApplyMessages.start(JsonBody.parse(request));
        if (start.getPromotion() == PromotionMode.PROMOTION_MODE_MANUAL) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST,
                                         "Manual promotion needs the WebSocket route /api/admin/configs/apply/ws.");
        }
        // The apply lasts as long as it lasts; the stub's timeout bounds it instead.
        ctx.clearRequestTimeout();
        CompletableFuture<HttpResponse> response = new CompletableFuture<>();
        HttpResponseWriter body = HttpResponse.streaming();
        ApplyCall call = ApplyCall.open(applies, headers, new ApplyCall.Listener() {
            private boolean started;

            @Override
            public void onMessage(ApplyConfigResponse message) {
                if (!started) {
                    started = true;
                    body.write(ResponseHeaders.builder(HttpStatus.OK).contentType(NDJSON).build());
                    response.complete(body);
                }
                body.tryWrite(line(ApplyViews.of(message)));
            }

            @Override
            public void onError(Throwable cause) {
                if (!started) {
                    response.completeExceptionally(cause);
                    return;
                }
                RestErrors.Failure failure = RestErrors.failureOf(ctx, cause);
                body.tryWrite(line(new ApplyViews.Error(failure.code(), failure.message())));
                body.close();
            }

            @Override
            public void onEnd() {
                if (!started) {
                    response.completeExceptionally(new MediameshException(
                            ErrorCode.INTERNAL_ERROR, "config-svc ended the apply without starting it."));
                    return;
                }
                body.close();
            }
        });
        call.send(ApplyConfigRequest.newBuilder().setStart(start).build());
        call.halfClose();
        ctx.whenRequestCancelling().thenRun(() -> call.cancel("The REST client went away."));
        body.whenComplete().exceptionally(cause -> {
            call.cancel("The REST client went away.");
            return null;
        });
        return response;
    }

    private static HttpData line(Object view) {
        return HttpData.ofUtf8(Envelope.json(view) + '\n');
    }
}
