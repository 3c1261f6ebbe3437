package io.mediamesh.scheduler.testing;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.api.v1.LoginRequest;
import io.mediamesh.api.v1.RegisterUserRequest;
import io.mediamesh.api.v1.SchedulerServiceGrpc.SchedulerServiceBlockingStub;
import io.mediamesh.api.v1.SessionServiceGrpc.SessionServiceBlockingStub;
import io.mediamesh.api.v1.UserServiceGrpc.UserServiceBlockingStub;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.config.ServiceEndpoints;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.scheduler.SchedulerSvc;
import io.mediamesh.scheduler.SchedulerSvcSettings;
import io.mediamesh.user.UserSvc;
import io.mediamesh.user.UserSvcSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real services on loopback for one test class: user-svc (sessions), and any number of
 * scheduler-svc instances sharing one schema of their own on the real MariaDB, each with or without
 * its task engine running. Everything started is stopped after the class and the schemas dropped.
 */
public final class SchedulerMesh implements BeforeAllCallback, AfterAllCallback {
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-password-1";
    public static final String SERVICE_TOKEN = "test-service-token-0123456789";

    private final Map<String, Object> overrides = new HashMap<>();
    private final List<Instance> instances = new ArrayList<>();
    private DatabaseSettings userDatabaseSettings;
    private DatabaseSettings schedulerDatabaseSettings;
    private Database userDatabase;
    private UserSvc userSvc;
    private Server userServer;
    private Database schedulerDatabase;

    public SchedulerMesh() {
        overrides.put("mediamesh.user-svc.admin.password", ADMIN_PASSWORD);
        overrides.put("mediamesh.user-svc.passwords.argon2-memory-kib", 1024);
        overrides.put("mediamesh.user-svc.passwords.argon2-iterations", 1);
        overrides.put("mediamesh.service-token", SERVICE_TOKEN);
    }

    /** Overrides one configuration key for every instance started afterwards (engine settings, ...). */
    public SchedulerMesh with(String path, Object value) {
        overrides.put(path, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String base = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
        userDatabaseSettings = TestDatabase.settingsFor(base + "_u");
        schedulerDatabaseSettings = TestDatabase.settingsFor(base + "_s");
        UserSvcSettings userSettings = UserSvcSettings.from(config()).withDatabase(userDatabaseSettings);
        userDatabase = Database.open(userSettings.database(), UserSvc.MIGRATIONS);
        userSvc = new UserSvc(userDatabase, userSettings, Clock.systemUTC(), ClientFactory.ofDefault());
        userSvc.bootstrapAdmin();
        userServer = start(userSvc::configureServices);
        // Opening the schema migrates it, so that tests can read it before any instance starts.
        schedulerDatabase = Database.open(schedulerDatabaseSettings, SchedulerSvc.MIGRATIONS);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (Instance instance : List.copyOf(instances)) {
            instance.stop();
        }
        userServer.stop().join();
        userSvc.close();
        userDatabase.close();
        schedulerDatabase.close();
        TestDatabase.drop(userDatabaseSettings);
        TestDatabase.drop(schedulerDatabaseSettings);
    }

    /** One scheduler-svc instance: its gRPC server and, if started, its engine. */
    public final class Instance {
        private final Server server;
        private final SchedulerSvc svc;
        private final Database database;
        private boolean stopped;

        private Instance(Server server, SchedulerSvc svc, Database database) {
            this.server = server;
            this.svc = svc;
            this.database = database;
        }

        public int port() {
            return server.activeLocalPort();
        }

        public String instanceId() {
            return svc.instanceId();
        }

        /** Stops the server, then the engine gracefully, as Main's shutdown hook does. */
        public void stop() {
            if (!stopped) {
                stopped = true;
                server.stop().join();
                svc.close();
                database.close();
                instances.remove(this);
            }
        }
    }

    /** Starts a scheduler-svc instance on an ephemeral port, its engine running if {@code runEngine}. */
    public Instance startScheduler(String instanceId, boolean runEngine) {
        Config config = ConfigFactory.parseMap(Map.of("mediamesh.scheduler-svc.engine.instance-id", instanceId))
                                     .withFallback(config());
        SchedulerSvcSettings settings = SchedulerSvcSettings.from(config).withDatabase(schedulerDatabaseSettings)
                                                            .withEndpoints(endpoints());
        Database database = Database.open(settings.database(), SchedulerSvc.MIGRATIONS);
        SchedulerSvc svc = new SchedulerSvc(database, settings, ClientFactory.ofDefault(), Clock.systemUTC());
        Server server = start(svc::configureServices);
        if (runEngine) {
            svc.startEngine();
        }
        Instance instance = new Instance(server, svc, database);
        instances.add(instance);
        return instance;
    }

    /** The endpoints of the services this mesh runs. */
    public ServiceEndpoints endpoints() {
        return ServiceEndpoints.from(config()).withUserSvc("127.0.0.1:" + userServer.activeLocalPort());
    }

    /** The scheduler schema, for assertions. */
    public DSLContext db() {
        return schedulerDatabase.dsl();
    }

    public DatabaseSettings schedulerDatabaseSettings() {
        return schedulerDatabaseSettings;
    }

    public String adminSession() {
        return login(ADMIN, ADMIN_PASSWORD);
    }

    /** Registers a plain user and returns their session id. */
    public String userSession(String userName) {
        return userStub(UserServiceBlockingStub.class)
                .registerUser(RegisterUserRequest.newBuilder().setUserName(userName)
                                                 .setPassword("password-" + userName).build())
                .getSession().getSessionId();
    }

    private String login(String userName, String password) {
        return userStub(SessionServiceBlockingStub.class)
                .login(LoginRequest.newBuilder().setUserName(userName).setPassword(password).build())
                .getSession().getSessionId();
    }

    private <T> T userStub(Class<T> type) {
        return GrpcClients.newClient("http://127.0.0.1:" + userServer.activeLocalPort(), type);
    }

    /** A SchedulerService stub calling {@code instance} with a session (or none if null). */
    public static SchedulerServiceBlockingStub asSession(Instance instance, String sessionId) {
        var builder = GrpcClients.builder("http://127.0.0.1:" + instance.port());
        if (sessionId != null) {
            builder.setHeader(Callers.SESSION_HEADER, sessionId);
        }
        return builder.build(SchedulerServiceBlockingStub.class);
    }

    /** A SchedulerService stub calling {@code instance} as another mesh service. */
    public static SchedulerServiceBlockingStub asService(Instance instance, String serviceToken) {
        return GrpcClients.builder("http://127.0.0.1:" + instance.port())
                          .setHeader(Callers.SERVICE_TOKEN_HEADER, serviceToken)
                          .build(SchedulerServiceBlockingStub.class);
    }

    private Config config() {
        return ConfigFactory.parseMap(overrides).withFallback(Configs.load(Map.of()));
    }

    private static Server start(Consumer<ServerBuilder> configure) {
        ServerBuilder sb = Server.builder().http(0);
        configure.accept(sb);
        Server server = sb.build();
        server.start().join();
        return server;
    }
}
