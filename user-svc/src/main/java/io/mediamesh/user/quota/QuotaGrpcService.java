package io.mediamesh.user.quota;

import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.GetQuotaRequest;
import io.mediamesh.api.v1.GetQuotaResponse;
import io.mediamesh.api.v1.QuotaServiceGrpc;
import io.mediamesh.api.v1.UpdateQuotaRequest;
import io.mediamesh.api.v1.UpdateQuotaResponse;
import io.mediamesh.user.user.UserAccess;
import io.mediamesh.user.user.UserAccount;

/** QuotaService over gRPC. Runs on the blocking executor. */
public final class QuotaGrpcService extends QuotaServiceGrpc.QuotaServiceImplBase {
    private final QuotaRepository quotas;
    private final UserAccess access;

    public QuotaGrpcService(QuotaRepository quotas, UserAccess access) {
        this.quotas = quotas;
        this.access = access;
    }

    @Override
    public void getQuota(GetQuotaRequest request, StreamObserver<GetQuotaResponse> response) {
        UserAccount user = access.findAuthorized(request.getUserName());
        response.onNext(GetQuotaResponse.newBuilder().setUserId(user.id())
                                        .setLimits(quotas.limits(user.id()).toProto())
                                        .setUsage(quotas.usage(user.id()).toProto()).build());
        response.onCompleted();
    }

    @Override
    public void updateQuota(UpdateQuotaRequest request, StreamObserver<UpdateQuotaResponse> response) {
        UserAccount user = access.findAsAdmin(request.getUserName());
        quotas.set(user.id(), Overrides.of(request));
        response.onNext(UpdateQuotaResponse.newBuilder().setUserId(user.id())
                                           .setLimits(quotas.limits(user.id()).toProto())
                                           .setUsage(quotas.usage(user.id()).toProto()).build());
        response.onCompleted();
    }
}
