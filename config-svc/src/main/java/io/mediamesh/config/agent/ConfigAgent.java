package io.mediamesh.config.agent;

import com.linecorp.armeria.server.ServerBuilder;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.config.validate.ConfigValidators;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A media server's config agent wired by hand: one {@link KindStore} per managed kind under the
 * agent's root, served as ConfigAgentService next to what every service serves (health,
 * reflection, /docs, /metrics). Its port admits config-svc's certificate only.
 */
public final class ConfigAgent {
    private final ConfigAgentGrpcService grpc;

    public ConfigAgent(AgentSettings settings, ConfigValidators validators, MeshTls tls, Clock clock) {
        Map<ConfigKind, KindStore> stores = new EnumMap<>(ConfigKind.class);
        for (ConfigKind kind : settings.kinds()) {
            Optional<ReloadCommand> reload = Optional.ofNullable(settings.reloadCommands().get(kind))
                                                     .map(command -> new ReloadCommand(command, settings.reloadTimeout()));
            stores.put(kind, new KindStore(kind, settings.root(), reload, settings.maxStagedVersions(), clock));
        }
        String version = Optional.ofNullable(ConfigAgent.class.getPackage().getImplementationVersion()).orElse("dev");
        // No one's session is taken here, an admin's neither: changes come from config-svc only.
        Callers callers = new Callers(sessionId -> {
            throw new MediameshException(ErrorCode.PERMISSION_DENIED, "A config agent takes no session.");
        }, tls, Set.of());
        this.grpc = new ConfigAgentGrpcService(stores, validators, callers,
                                               settings.serverName(), version, clock.instant());
    }

    /** Adds ConfigAgentService and the shared endpoints to {@code sb}; tests reuse it. */
    public void configureServices(ServerBuilder sb) {
        ServiceServer.configure(sb, ServiceServer.grpcService(List.of(grpc)));
    }
}
