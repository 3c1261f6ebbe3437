package io.mediamesh.media.quota;

import com.linecorp.armeria.client.Clients;
import com.linecorp.armeria.common.util.SafeCloseable;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.mediamesh.api.v1.GetQuotaRequest;
import io.mediamesh.api.v1.GetQuotaResponse;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.api.v1.QuotaLimits;
import io.mediamesh.api.v1.QuotaServiceGrpc.QuotaServiceBlockingStub;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.quota.Quota;
import java.util.function.LongSupplier;

/**
 * The quotas user-svc keeps (quotas.proto), as media-svc checks them. Asked on the session of the
 * call being served, which user-svc allows for the user themself or an admin, so no service
 * credential is needed. Blocking: call from a blocking executor.
 */
public final class MediaQuotas {
    private final QuotaServiceBlockingStub quotas;

    public MediaQuotas(QuotaServiceBlockingStub quotas) {
        this.quotas = quotas;
    }

    /** A user's limits and the usage user-svc counts, asked on behalf of {@code sessionId}. */
    public GetQuotaResponse of(String sessionId, String userName) {
        try (SafeCloseable ignored = Clients.withHeader(Callers.SESSION_HEADER, sessionId)) {
            return quotas.getQuota(GetQuotaRequest.newBuilder().setUserName(userName).build());
        }
    }

    /**
     * Refuses (QUOTA_EXCEEDED) one more room or stream to the caller of the current gRPC call, who
     * holds {@code used} of them; counted only once the limit is known, so that a count is as fresh
     * as it can be.
     */
    public void requireRoomForOne(Quota quota, Principal caller, LongSupplier used) {
        String sessionId = ServiceRequestContext.current().request().headers().get(Callers.SESSION_HEADER);
        QuotaLimits limits = of(sessionId.trim(), caller.getUserName()).getLimits();
        long limit = switch (quota) {
            case ROOMS -> limits.getRooms();
            case STREAMS -> limits.getStreams();
            case VIDEOS, STORED_BYTES -> throw new IllegalArgumentException(quota + " is user-svc's to check");
        };
        quota.requireRoomForOne(used.getAsLong(), limit);
    }
}
