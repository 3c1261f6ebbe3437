package io.mediamesh.scheduler;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.server.ServerBuilder;
import io.mediamesh.api.v1.SessionServiceGrpc.SessionServiceBlockingStub;
import io.mediamesh.api.v1.VideoFileServiceGrpc.VideoFileServiceBlockingStub;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.auth.RemoteSessionValidator;
import io.mediamesh.common.client.GrpcClientFactory;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.scheduler.engine.TaskEngine;
import io.mediamesh.scheduler.engine.VideoFileDeleter;
import io.mediamesh.scheduler.task.SchedulerGrpcService;
import io.mediamesh.scheduler.task.TaskRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * scheduler-svc wired by hand: SchedulerService (scheduling and inspecting tasks) and the task engine
 * that runs them, on one schema that any number of instances may share.
 */
public final class SchedulerSvc implements AutoCloseable {
    /** Flyway location of scheduler-svc's migrations (also the source of its jOOQ classes). */
    public static final String MIGRATIONS = "db/migration/scheduler";

    private static final Logger logger = LoggerFactory.getLogger(SchedulerSvc.class);
    private static final long SESSION_CACHE_MAX_ENTRIES = 10_000;

    private final List<io.grpc.BindableService> grpcServices;
    private final TaskEngine engine;
    private final boolean hasServiceToken;

    public SchedulerSvc(Database database, SchedulerSvcSettings settings, ClientFactory clientFactory, Clock clock) {
        // The database keeps microseconds: hand out no instant it cannot store.
        Clock micros = Clock.tick(clock, Duration.ofNanos(1000));
        GrpcClientFactory clients = new GrpcClientFactory(clientFactory, settings.clientDeadline());
        Callers callers = new Callers(
                new RemoteSessionValidator(clients.newStub(settings.endpoints().userSvc(),
                                                           SessionServiceBlockingStub.class),
                                           settings.sessionCacheTtl(), SESSION_CACHE_MAX_ENTRIES),
                settings.serviceToken());
        this.grpcServices = List.of(new SchedulerGrpcService(new TaskRepository(database.dsl(), database.conflictRetry()), callers, micros,
                                                             settings.engine().maxAttempts()));
        this.hasServiceToken = !settings.serviceToken().isEmpty();
        VideoFileDeleter deleter = new VideoFileDeleter(clients.newServiceStub(
                settings.endpoints().mediaSvc(), VideoFileServiceBlockingStub.class, settings.serviceToken()));
        this.engine = new TaskEngine(database.dsl(), database.conflictRetry(), deleter, settings.engine(), settings.clientDeadline(), micros);
    }

    /** Adds scheduler-svc's gRPC services and the shared endpoints to {@code sb}; tests reuse it. */
    public void configureServices(ServerBuilder sb) {
        ServiceServer.configure(sb, ServiceServer.grpcService(grpcServices));
    }

    /**
     * Starts running due tasks, unless there is no service token: media-svc would refuse every
     * deletion, and the tasks would use up their attempts for nothing. They wait instead.
     */
    public void startEngine() {
        if (!hasServiceToken) {
            logger.warn("No service token (MEDIAMESH_SERVICE_TOKEN): tasks are accepted but not run.");
            return;
        }
        engine.start();
    }

    public String instanceId() {
        return engine.instanceId();
    }

    /** Stops the engine gracefully (see {@link TaskEngine#close()}). */
    @Override
    public void close() {
        engine.close();
    }
}
