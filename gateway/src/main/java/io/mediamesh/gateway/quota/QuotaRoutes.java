package io.mediamesh.gateway.quota;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Put;
import io.mediamesh.api.v1.GetMediaUsageRequest;
import io.mediamesh.api.v1.GetQuotaRequest;
import io.mediamesh.api.v1.MediaUsageServiceGrpc.MediaUsageServiceFutureStub;
import io.mediamesh.api.v1.QuotaLimits;
import io.mediamesh.api.v1.QuotaServiceGrpc.QuotaServiceFutureStub;
import io.mediamesh.api.v1.QuotaUsage;
import io.mediamesh.api.v1.UpdateQuotaRequest;
import io.mediamesh.common.quota.Quota;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.JsonBody;
import java.util.concurrent.CompletableFuture;

/**
 * A user's quotas: /api/user/:user_name/quota. The limits and the video usage come from user-svc,
 * the room and stream usage from media-svc, each asked on the caller's session.
 */
public final class QuotaRoutes {
    private final QuotaServiceFutureStub quotas;
    private final MediaUsageServiceFutureStub mediaUsage;

    public QuotaRoutes(QuotaServiceFutureStub quotas, MediaUsageServiceFutureStub mediaUsage) {
        this.quotas = quotas;
        this.mediaUsage = mediaUsage;
    }

    /** The user themself or an admin. */
    @Get("/user/{user_name}/quota")
    public CompletableFuture<HttpResponse> getQuota(RequestHeaders headers, @Param("user_name") String userName) {
        GetQuotaRequest call = GetQuotaRequest.newBuilder().setUserName(userName).build();
        return Calls.as(headers, () -> quotas.getQuota(call))
                    .thenCompose(quota -> view(headers, quota.getUserId(), quota.getLimits(), quota.getUsage()));
    }

    /** Admins only. Each limit absent or null is the configured default. */
    @Put("/user/{user_name}/quota")
    public CompletableFuture<HttpResponse> updateQuota(RequestHeaders headers, @Param("user_name") String userName,
                                                       AggregatedHttpRequest request) {
        JsonBody body = JsonBody.parse(request);
        UpdateQuotaRequest.Builder call = UpdateQuotaRequest.newBuilder().setUserName(userName);
        body.optionalLong(Quota.VIDEOS.wireName()).ifPresent(call::setVideos);
        body.optionalLong(Quota.STORED_BYTES.wireName()).ifPresent(call::setStoredBytes);
        body.optionalLong(Quota.ROOMS.wireName()).ifPresent(call::setRooms);
        body.optionalLong(Quota.STREAMS.wireName()).ifPresent(call::setStreams);
        return Calls.as(headers, () -> quotas.updateQuota(call.build()))
                    .thenCompose(quota -> view(headers, quota.getUserId(), quota.getLimits(), quota.getUsage()));
    }

    /** The limits with the usage of both services. */
    private CompletableFuture<HttpResponse> view(RequestHeaders headers, long userId, QuotaLimits limits,
                                                 QuotaUsage videoUsage) {
        GetMediaUsageRequest call = GetMediaUsageRequest.newBuilder().setUserId(userId).build();
        return Calls.as(headers, () -> mediaUsage.getMediaUsage(call)).thenApply(media -> Envelope.ok(new QuotaView(
                QuotaView.Amounts.of(limits),
                new QuotaView.Amounts(videoUsage.getVideos(), videoUsage.getStoredBytes(), media.getRooms(),
                                      media.getStreams()))));
    }
}
