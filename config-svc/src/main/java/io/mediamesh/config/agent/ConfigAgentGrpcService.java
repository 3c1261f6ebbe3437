package io.mediamesh.config.agent;

import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.ActivateConfigRequest;
import io.mediamesh.api.v1.ActivateConfigResponse;
import io.mediamesh.api.v1.AgentKindStatus;
import io.mediamesh.api.v1.ConfigAgentServiceGrpc;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetActiveConfigRequest;
import io.mediamesh.api.v1.GetActiveConfigResponse;
import io.mediamesh.api.v1.GetAgentStatusRequest;
import io.mediamesh.api.v1.GetAgentStatusResponse;
import io.mediamesh.api.v1.RollbackConfigRequest;
import io.mediamesh.api.v1.RollbackConfigResponse;
import io.mediamesh.api.v1.StageConfigRequest;
import io.mediamesh.api.v1.StageConfigResponse;
import io.mediamesh.api.v1.ValidateConfigRequest;
import io.mediamesh.api.v1.ValidateConfigResponse;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.time.Times;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.config.ConfigKinds;
import io.mediamesh.config.validate.ConfigValidators;
import io.mediamesh.config.validate.ValidationResult;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** ConfigAgentService over gRPC: config-svc's handle on one media server's files. */
public final class ConfigAgentGrpcService extends ConfigAgentServiceGrpc.ConfigAgentServiceImplBase {
    private final Map<ConfigKind, KindStore> stores;
    private final ConfigValidators validators;
    /** Only config-svc stages, activates and reads, so every change has a revision and an audit trail. */
    private static final Set<Identity> CONFIG_SVC_ONLY = Set.of(Identity.CONFIG_SVC);

    private final Callers callers;
    private final String serverName;
    private final String agentVersion;
    private final Instant startedAt;

    ConfigAgentGrpcService(Map<ConfigKind, KindStore> stores, ConfigValidators validators, Callers callers, String serverName,
                           String agentVersion, Instant startedAt) {
        this.stores = Map.copyOf(stores);
        this.validators = validators;
        this.callers = callers;
        this.serverName = serverName;
        this.agentVersion = agentVersion;
        this.startedAt = startedAt;
    }

    @Override
    public void stageConfig(StageConfigRequest request, StreamObserver<StageConfigResponse> response) {
        callers.requireService(CONFIG_SVC_ONLY);
        KindStore.Staged staged = store(request.getKind()).stage(request.getVersion(), request.getFilesList());
        response.onNext(StageConfigResponse.newBuilder().setSha256(staged.sha256())
                                           .setAlreadyActive(staged.alreadyActive()).build());
        response.onCompleted();
    }

    @Override
    public void validateConfig(ValidateConfigRequest request, StreamObserver<ValidateConfigResponse> response) {
        callers.requireService(CONFIG_SVC_ONLY);
        KindStore store = store(request.getKind());
        if (!validators.available(request.getKind())) {
            throw new MediameshException(ErrorCode.INTERNAL_ERROR, "The tool that checks " +
                                         ConfigKinds.name(request.getKind()) + " files is not installed here.");
        }
        ValidationResult result = store.validate(request.getVersion(), validators);
        response.onNext(ValidateConfigResponse.newBuilder().setOk(result.ok()).setToolOutput(result.toolOutput())
                                              .setExitCode(result.exitCode()).build());
        response.onCompleted();
    }

    @Override
    public void activateConfig(ActivateConfigRequest request, StreamObserver<ActivateConfigResponse> response) {
        callers.requireService(CONFIG_SVC_ONLY);
        KindStore.Activated activated = store(request.getKind()).activate(request.getVersion());
        response.onNext(ActivateConfigResponse.newBuilder().setPreviousVersion(activated.previousVersion())
                                              .setChanged(activated.changed()).setReloaded(activated.reloaded())
                                              .setReloadOutput(activated.reloadOutput()).build());
        response.onCompleted();
    }

    @Override
    public void rollbackConfig(RollbackConfigRequest request, StreamObserver<RollbackConfigResponse> response) {
        callers.requireService(CONFIG_SVC_ONLY);
        KindStore.RolledBack rolledBack = store(request.getKind()).rollback(request.getIfActiveVersion());
        response.onNext(RollbackConfigResponse.newBuilder().setRestoredVersion(rolledBack.restoredVersion())
                                              .setRolledBack(rolledBack.rolledBack())
                                              .setReloadOutput(rolledBack.reloadOutput()).build());
        response.onCompleted();
    }

    @Override
    public void getActiveConfig(GetActiveConfigRequest request, StreamObserver<GetActiveConfigResponse> response) {
        callers.requireService(CONFIG_SVC_ONLY);
        KindStore store = store(request.getKind());
        KindStore.Active active = store.active().orElseThrow(() -> new MediameshException(
                ErrorCode.NOT_FOUND, "No " + ConfigKinds.name(request.getKind()) + " files were ever activated."));
        response.onNext(GetActiveConfigResponse.newBuilder().setVersion(active.version()).setSha256(active.sha256())
                                               .setActivatedAt(Times.toProto(active.activatedAt()))
                                               .setPreviousVersion(active.previousVersion())
                                               .addAllFileNames(active.fileNames()).build());
        response.onCompleted();
    }

    @Override
    public void getAgentStatus(GetAgentStatusRequest request, StreamObserver<GetAgentStatusResponse> response) {
        callers.requireService(CONFIG_SVC_ONLY);
        GetAgentStatusResponse.Builder out = GetAgentStatusResponse.newBuilder().setServerName(serverName)
                                                                   .setAgentVersion(agentVersion)
                                                                   .setStartedAt(Times.toProto(startedAt));
        stores.values().stream().sorted((a, b) -> a.kind().compareTo(b.kind())).forEach(store -> {
            KindStore.Status status = store.status();
            out.addKinds(AgentKindStatus.newBuilder().setKind(store.kind())
                                        .setActiveVersion(status.activeVersion())
                                        .setPreviousVersion(status.previousVersion())
                                        .addAllStagedVersions(status.stagedVersions())
                                        .setToolAvailable(validators.available(store.kind()))
                                        .setProblem(status.problem()));
        });
        response.onNext(out.build());
        response.onCompleted();
    }

    private KindStore store(ConfigKind kind) {
        KindStore store = stores.get(kind);
        if (store == null) {
            throw new MediameshException(ErrorCode.INVALID_CONFIG_TARGET,
                                         "This agent does not manage " + kind + " files (it manages " +
                                         stores.keySet().stream().map(ConfigKinds::name).sorted().toList() + ").");
        }
        return store;
    }
}
