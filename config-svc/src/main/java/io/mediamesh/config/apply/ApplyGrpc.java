package io.mediamesh.config.apply;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.ApplyConfigRequest;
import io.mediamesh.api.v1.ApplyConfigResponse;
import io.mediamesh.api.v1.ApplyOutcome;
import io.mediamesh.api.v1.ApplyRecord;
import io.mediamesh.api.v1.ApplyServiceGrpc;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ControlApplyRequest;
import io.mediamesh.api.v1.ControlApplyResponse;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetApplyRequest;
import io.mediamesh.api.v1.GetApplyResponse;
import io.mediamesh.api.v1.ListAppliesRequest;
import io.mediamesh.api.v1.ListAppliesResponse;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.validation.Text;
import io.mediamesh.config.ConfigKinds;
import java.util.Optional;

/** ApplyService (apply.proto): applies run by {@link ApplyCoordinator}, and their records. Admins only. */
public final class ApplyGrpc extends ApplyServiceGrpc.ApplyServiceImplBase {
    private final ApplyCoordinator coordinator;
    private final ApplyRepository applies;
    private final Callers callers;

    public ApplyGrpc(ApplyCoordinator coordinator, ApplyRepository applies, Callers callers) {
        this.coordinator = coordinator;
        this.applies = applies;
        this.callers = callers;
    }

    @Override
    public StreamObserver<ApplyConfigRequest> applyConfig(StreamObserver<ApplyConfigResponse> responses) {
        String author;
        try {
            author = callers.requireAdmin().getUserName();
        } catch (MediameshException e) {
            responses.onError(ErrorCatalog.toStatusException(e));
            return new Ignored();
        }
        return coordinator.open(author, (ServerCallStreamObserver<ApplyConfigResponse>) responses);
    }

    @Override
    public void listApplies(ListAppliesRequest request, StreamObserver<ListAppliesResponse> response) {
        callers.requireAdmin();
        ConfigKind kind = request.getKind();
        if (kind != ConfigKind.CONFIG_KIND_UNSPECIFIED) {
            ConfigKinds.check(kind);
        }
        Optional<ApplyOutcome> outcome = Optional.empty();
        if (request.hasOutcome()) {
            if (request.getOutcome() == ApplyOutcome.UNRECOGNIZED) {
                throw new MediameshException(ErrorCode.INVALID_REQUEST, "Unknown apply outcome.");
            }
            outcome = Optional.of(request.getOutcome());
        }
        Page.Result<ApplyRecord> page = applies.page(kind, outcome, Page.of(request.getLimit(), request.getCursor()));
        response.onNext(ListAppliesResponse.newBuilder().addAllApplies(page.rows()).setNextCursor(page.nextCursor())
                                           .build());
        response.onCompleted();
    }

    @Override
    public void getApply(GetApplyRequest request, StreamObserver<GetApplyResponse> response) {
        callers.requireAdmin();
        long applyId = Text.checkId(request.getApplyId(), "apply_id");
        ApplyRecord apply = applies.find(applyId).orElseThrow(
                () -> new MediameshException(ErrorCode.NOT_FOUND, "No apply " + applyId + '.'));
        response.onNext(GetApplyResponse.newBuilder().setApply(apply).addAllEvents(applies.events(applyId)).build());
        response.onCompleted();
    }

    @Override
    public void controlApply(ControlApplyRequest request, StreamObserver<ControlApplyResponse> response) {
        String admin = callers.requireAdmin().getUserName();
        long applyId = Text.checkId(request.getApplyId(), "apply_id");
        switch (request.getActionCase()) {
            case PROMOTE -> coordinator.control(applyId, true, "");
            case CANCEL -> coordinator.control(applyId, false, request.getCancel().getReason().isBlank()
                                                               ? "Cancelled by " + admin + '.'
                                                               : request.getCancel().getReason());
            case ACTION_NOT_SET -> throw new MediameshException(ErrorCode.INVALID_REQUEST,
                                                                "Say promote or cancel.");
        }
        response.onNext(ControlApplyResponse.getDefaultInstance());
        response.onCompleted();
    }

    /** The request side of a call that was refused before it started. */
    private static final class Ignored implements StreamObserver<ApplyConfigRequest> {
        @Override
        public void onNext(ApplyConfigRequest value) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
    }
}
