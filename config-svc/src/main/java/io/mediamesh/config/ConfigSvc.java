package io.mediamesh.config;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.server.ServerBuilder;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.SessionServiceGrpc.SessionServiceBlockingStub;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.auth.RemoteSessionValidator;
import io.mediamesh.common.client.GrpcClientFactory;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.ServiceServer;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * config-svc wired by hand: the media-server registry and the config documents with their
 * revisions, on one schema. Sessions are validated by user-svc.
 */
public final class ConfigSvc {
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

    public ConfigSvc(Database database, ConfigSvcSettings settings, ClientFactory clientFactory, Clock clock) {
        // The database keeps microseconds: hand out no instant it cannot store.
        this.clock = Clock.tick(clock, Duration.ofNanos(1000));
        this.servers = new MediaServerRepository(database.dsl());
        this.revisions = new RevisionRepository(database.dsl());
        this.rendering = new ConfigRendering(revisions);
        this.validators = new ConfigValidators(settings.validation());
        SessionServiceBlockingStub sessions = new GrpcClientFactory(clientFactory, settings.clientDeadline())
                .newStub(settings.endpoints().userSvc(), SessionServiceBlockingStub.class);
        this.callers = new Callers(new RemoteSessionValidator(sessions, settings.sessionCacheTtl(),
                                                              SESSION_CACHE_ENTRIES),
                                   settings.serviceToken());
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

    /** Adds config-svc's gRPC services and the shared endpoints to {@code sb}; tests reuse it. */
    public void configureServices(ServerBuilder sb) {
        ServiceServer.configure(sb, ServiceServer.grpcService(List.of(
                new MediaServerGrpcService(servers, rendering, callers, clock),
                new ConfigGrpcService(revisions, servers, rendering, validators, callers, clock))));
    }
}
