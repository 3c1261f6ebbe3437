package io.mediamesh.scheduler;

import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import io.mediamesh.api.v1.SessionServiceGrpc.SessionServiceBlockingStub;
import io.mediamesh.api.v1.VideoFileServiceGrpc.VideoFileServiceBlockingStub;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.auth.RemoteSessionValidator;
import io.mediamesh.common.client.GrpcClientFactory;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.BackgroundWork;
import io.mediamesh.common.server.RunningService;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.scheduler.engine.TaskEngine;
import io.mediamesh.scheduler.engine.VideoFileDeleter;
import io.mediamesh.scheduler.task.SchedulerGrpcService;
import io.mediamesh.scheduler.task.TaskRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * scheduler-svc wired by hand: SchedulerService (scheduling and inspecting tasks) and the task engine
 * that runs them, on one schema that any number of instances may share.
 */
public final class SchedulerSvc implements AutoCloseable {
    /** Flyway location of scheduler-svc's migrations (also the source of its jOOQ classes). */
    public static final String MIGRATIONS = "db/migration/scheduler";

    private static final long SESSION_CACHE_MAX_ENTRIES = 10_000;

    private final List<io.grpc.BindableService> grpcServices;
    private final TaskEngine engine;
    private final GrpcClientFactory clients;

    public SchedulerSvc(Database database, SchedulerSvcSettings settings, MeshTls tls, Clock clock) {
        // The database keeps microseconds: hand out no instant it cannot store.
        Clock micros = Clock.tick(clock, Duration.ofNanos(1000));
        this.clients = new GrpcClientFactory(tls, settings.clientDeadline());
        Callers callers = new Callers(
                new RemoteSessionValidator(clients.newStub(settings.endpoints().userSvc(),
                                                           SessionServiceBlockingStub.class),
                                           settings.sessionCacheTtl(), SESSION_CACHE_MAX_ENTRIES),
                tls, Set.of(Identity.GATEWAY, Identity.OPERATOR));
        this.grpcServices = List.of(new SchedulerGrpcService(new TaskRepository(database.dsl(), database.conflictRetry()),
                                                             callers, micros,
                                                             settings.engine().maxAttempts()));
        VideoFileDeleter deleter = new VideoFileDeleter(clients.newStub(settings.endpoints().mediaSvc(),
                                                                        VideoFileServiceBlockingStub.class));
        this.engine = new TaskEngine(database.dsl(), database.conflictRetry(), deleter, settings.engine(), settings.clientDeadline(), micros);
    }

    /**
     * scheduler-svc serving as {@code settings} say, on its schema (migrated first), then (with
     * {@link BackgroundWork#RUN}) running due tasks. Closing it stops the server first, then the engine
     * finishes or hands back its tasks, then the pool closes. What Main runs, and what tests start in
     * their JVM.
     */
    public static RunningService<SchedulerSvc> run(SchedulerSvcSettings settings, MeshTls tls, Clock clock,
                                                   BackgroundWork backgroundWork) {
        return RunningService.onSchema(settings.database(), MIGRATIONS, database -> {
            SchedulerSvc schedulerSvc = new SchedulerSvc(database, settings, tls, clock);
            Server server = ServiceServer.serve("scheduler-svc", settings.server(), tls, ServiceServer.MESH_CALLERS,
                                                List.of(), schedulerSvc::configureServices);
            if (backgroundWork == BackgroundWork.RUN) {
                schedulerSvc.startEngine();
            }
            return RunningService.of("scheduler-svc", schedulerSvc, database, server);
        });
    }

    /** Adds scheduler-svc's gRPC services and the shared endpoints to {@code sb}; tests reuse it. */
    public void configureServices(ServerBuilder sb) {
        ServiceServer.configure(sb, ServiceServer.grpcService(grpcServices));
    }

    /** Starts running due tasks. */
    public void startEngine() {
        engine.start();
    }

    public String instanceId() {
        return engine.instanceId();
    }

    /** Stops the engine gracefully (see {@link TaskEngine#close()}). */
    @Override
    public void close() {
        engine.close();
        clients.close();
    }
}
