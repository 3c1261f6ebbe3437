package io.mediamesh.config.agent;

import com.linecorp.armeria.server.ServerBuilder;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.auth.SessionValidator;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.config.validate.ConfigValidators;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A media server's config agent wired by hand: one {@link KindStore} per managed kind under the
 * agent's root, served as ConfigAgentService next to what every service serves (health,
 * reflection, /docs, /metrics).
 */
public final class ConfigAgent {
    private final ConfigAgentGrpcService grpc;

    public ConfigAgent(AgentSettings settings, ConfigValidators validators, SessionValidator sessions, Clock clock) {
        Map<ConfigKind, KindStore> stores = new EnumMap<>(ConfigKind.class);
        for (ConfigKind kind : settings.kinds()) {
            Optional<ReloadCommand> reload = Optional.ofNullable(settings.reloadCommands().get(kind))
                                                     .map(command -> new ReloadCommand(command, settings.reloadTimeout()));
            stores.put(kind, new KindStore(kind, settings.root(), reload, settings.maxStagedVersions(), clock));
        }
        String version = Optional.ofNullable(ConfigAgent.class.getPackage().getImplementationVersion()).orElse("dev");
        this.grpc = new ConfigAgentGrpcService(stores, validators, new Callers(sessions, settings.serviceToken()),
                                               settings.serverName(), version, clock.instant());
    }

    /** Adds ConfigAgentService and the shared endpoints to {@code sb}; tests reuse it. */
    public void configureServices(ServerBuilder sb) {
        ServiceServer.configure(sb, ServiceServer.grpcService(List.of(grpc)));
    }
}
