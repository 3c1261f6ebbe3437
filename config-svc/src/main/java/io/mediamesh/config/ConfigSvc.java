package io.mediamesh.config;

import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServerListener;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.SessionServiceGrpc.SessionServiceBlockingStub;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.auth.RemoteSessionValidator;
import io.mediamesh.common.client.GrpcClientFactory;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.RunningService;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.config.apply.AgentClients;
import io.mediamesh.config.apply.AgentHealthCheck;
import io.mediamesh.config.apply.ApplyCoordinator;
import io.mediamesh.config.apply.ApplyGrpc;
import io.mediamesh.config.apply.ApplyPlanner;
import io.mediamesh.config.apply.ApplyRepository;
import io.mediamesh.config.revision.ConfigGrpcService;
import io.mediamesh.config.revision.ConfigRendering;
import io.mediamesh.config.revision.DefaultDocuments;
import io.mediamesh.config.revision.RevisionRepository;
import io.mediamesh.config.server.MediaServerGrpcService;
import io.mediamesh.config.server.MediaServerRepository;
import io.mediamesh.config.validate.ConfigValidators;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * config-svc wired by hand: the media-server registry, the config documents with their revisions,
 * and applies to the servers' agents (with the agents' periodic health check), on one schema.
 * Sessions are validated by user-svc.
 */
public final class ConfigSvc implements AutoCloseable {
    /** Flyway location of config-svc's migrations (also the source of its jOOQ classes). */
    public static final String MIGRATIONS = "db/migration/config";

    private static final Logger logger = LoggerFactory.getLogger(ConfigSvc.class);
    private static final long SESSION_CACHE_ENTRIES = 10_000;

    private final Clock clock;
    private final MediaServerRepository servers;
    private final RevisionRepository revisions;
    private final ConfigRendering rendering;
    private final ConfigValidators validators;
    private final Callers callers;
    private final ApplyRepository applies;
    private final ApplyCoordinator coordinator;
    private final AgentHealthCheck healthCheck;
    private final AgentClients agents;
    private final GrpcClientFactory userSvcClients;

    public ConfigSvc(Database database, ConfigSvcSettings settings, MeshTls tls, Clock clock) {
        // The database keeps microseconds: hand out no instant it cannot store.
        this.clock = Clock.tick(clock, Duration.ofNanos(1000));
        this.servers = new MediaServerRepository(database.dsl());
        this.revisions = new RevisionRepository(database.dsl());
        this.rendering = new ConfigRendering(revisions);
        this.validators = ConfigValidators.configured(settings.validation());
        this.userSvcClients = new GrpcClientFactory(tls, settings.clientDeadline());
        SessionServiceBlockingStub sessions = userSvcClients.newStub(settings.endpoints().userSvc(), SessionServiceBlockingStub.class);
        this.callers = new Callers(new RemoteSessionValidator(sessions, settings.sessionCacheTtl(),
                                                              SESSION_CACHE_ENTRIES),
                                   tls, Set.of(Identity.GATEWAY, Identity.OPERATOR));
        // Agents are called with config-svc's own certificate, each call within its own deadline.
        this.agents = new AgentClients(tls, settings.clientDeadline());
        this.applies = new ApplyRepository(database.dsl(), database.conflictRetry());
        this.coordinator = new ApplyCoordinator(new ApplyPlanner(servers, revisions, rendering, settings.apply()),
                                                applies, servers, agents, this.clock, settings.apply());
        coordinator.startLeases();
        this.healthCheck = new AgentHealthCheck(servers, agents, settings.apply().healthCheckDeadline(), this.clock);
        healthCheck.start(settings.apply().healthCheckInterval());
    }

    /**
     * config-svc serving as {@code settings} say, on its schema (migrated first): the default documents
     * written where none exist, the applies a gone replica left running ended, then its port opened.
     * What Main runs, and what tests start in their JVM.
     */
    public static RunningService<ConfigSvc> run(ConfigSvcSettings settings, MeshTls tls, Clock clock) {
        return RunningService.onSchema(settings.database(), MIGRATIONS, database -> {
            ConfigSvc configSvc = new ConfigSvc(database, settings, tls, clock);
            configSvc.bootstrapDefaults();
            configSvc.abandonInterruptedApplies();
            Server server = ServiceServer.serve("config-svc", settings.server(), tls, ServiceServer.MESH_CALLERS,
                                                List.of(), configSvc::configureServices);
            return RunningService.of("config-svc", configSvc, database, server);
        });
    }

    /**
     * At start: ends the applies left running by replicas that are gone (their lease expired) and
     * by a previous process under this replica's instance id, so their kinds can be applied again.
     * Applies other replicas are running are left alone.
     */
    public void abandonInterruptedApplies() {
        coordinator.abandonInterrupted(true);
    }

    /** Writes the default document of every (kind, role) that has no revision yet. */
    public void bootstrapDefaults() {
        DefaultDocuments defaults = new DefaultDocuments(new SecureRandom());
        for (ConfigKind kind : ConfigKinds.ALL) {
            for (MediaServerRole role : ServerRoles.ALL) {
                if (revisions.insertIfNone(kind, role, defaults.of(kind), DefaultDocuments.AUTHOR,
                                           DefaultDocuments.MESSAGE, clock.instant())) {
                    logger.info("Wrote the default {} document for {} servers", ConfigKinds.name(kind),
                                ServerRoles.name(role));
                }
            }
        }
    }

    /**
     * Adds config-svc's gRPC services and the shared endpoints to {@code sb}; tests reuse it. Stopping
     * the server built from it drains the applies first ({@link ApplyCoordinator#drain}), while it still
     * serves: Armeria runs the stopping listeners before its graceful shutdown.
     */
    public void configureServices(ServerBuilder sb) {
        ServiceServer.configure(sb, ServiceServer.grpcService(List.of(
                new MediaServerGrpcService(servers, rendering, callers, clock, coordinator::isApplyingTo),
                new ConfigGrpcService(revisions, servers, rendering, validators, callers, clock),
                new ApplyGrpc(coordinator, applies, callers))));
        sb.serverListener(ServerListener.builder().whenStopping(server -> drainApplies()).build());
    }

    private void drainApplies() {
        try {
            coordinator.drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            logger.warn("Interrupted while draining the applies; close() cancels what still runs");
        }
    }

    /** Stops the health checks and cancels the applies still running (after a drain: none), which roll back. */
    @Override
    public void close() throws InterruptedException {
        healthCheck.close();
        coordinator.close();
        agents.close();
        userSvcClients.close();
    }
}
