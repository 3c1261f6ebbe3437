package io.mediamesh.scheduler.testing;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.api.v1.LoginRequest;
import io.mediamesh.api.v1.RegisterUserRequest;
import io.mediamesh.api.v1.ScheduleVideoDeletionsRequest;
import io.mediamesh.api.v1.SchedulerServiceGrpc.SchedulerServiceBlockingStub;
import io.mediamesh.api.v1.SessionServiceGrpc.SessionServiceBlockingStub;
import io.mediamesh.api.v1.UserServiceGrpc.UserServiceBlockingStub;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.config.ServiceEndpoints;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.media.MediaSvc;
import io.mediamesh.media.MediaSvcSettings;
import io.mediamesh.media.file.SizeLimit;
import io.mediamesh.media.file.VideoFileStore;
import io.mediamesh.media.file.VideoFileUpload;
import io.mediamesh.scheduler.SchedulerSvc;
import io.mediamesh.scheduler.SchedulerSvcSettings;
import io.mediamesh.user.UserSvc;
import io.mediamesh.user.UserSvcSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real services on loopback for one test class: user-svc (sessions), media-svc (the files, in a
 * temporary folder; it can be stopped and started again on its port), and any number of
 * scheduler-svc instances sharing one schema of their own on the real MariaDB, each with or without
 * its task engine running. Everything started is stopped after the class, the schemas dropped and
 * the folder removed. The scheduler's schema may live elsewhere ({@link #SchedulerMesh(SchemaSource)}:
 * a Galera cluster of the test's own), each instance on a URL of its own.
 */
public final class SchedulerMesh implements BeforeAllCallback, AfterAllCallback {
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-password-1";
    /** user-svc's deletion relay, as the tests play it: JVM-long connections, like ClientFactory.ofDefault(). */
    private static final MeshTls USER_SVC = TestMeshCa.tls(Identity.USER_SVC);

    /** Where the scheduler's schema lives: its settings for a base name. */
    @FunctionalInterface
    public interface SchemaSource {
        DatabaseSettings settingsFor(String base) throws Exception;
    }

    private final Map<String, Object> overrides = new HashMap<>();
    private final SchemaSource schedulerSchema;
    /** Only schemas on the shared server are dropped; a test's own server goes away with it. */
    private final boolean dropSchedulerSchema;
    private final List<Instance> instances = new ArrayList<>();
    private DatabaseSettings userDatabaseSettings;
    private DatabaseSettings schedulerDatabaseSettings;
    private Database userDatabase;
    private UserSvc userSvc;
    private Server userServer;
    private Database schedulerDatabase;
    private Path videoRoot;
    private VideoFileStore videoFiles;
    private int mediaPort;
    private DatabaseSettings mediaDatabaseSettings;
    private Database mediaDatabase;
    private MediaSvc mediaSvc;
    private Server mediaServer;
    private MeshTls mediaTls;
    private final List<MeshTls> identities = new ArrayList<>();

    public SchedulerMesh() {
        this(TestDatabase::settingsFor, true);
    }

    /** The scheduler's schema from {@code schedulerSchema} (evaluated before the class), not dropped after it. */
    public SchedulerMesh(SchemaSource schedulerSchema) {
        this(schedulerSchema, false);
    }

    private SchedulerMesh(SchemaSource schedulerSchema, boolean dropSchedulerSchema) {
        this.schedulerSchema = schedulerSchema;
        this.dropSchedulerSchema = dropSchedulerSchema;
        overrides.put("mediamesh.user-svc.admin.password", ADMIN_PASSWORD);
        overrides.put("mediamesh.user-svc.passwords.argon2-memory-kib", 1024);
        overrides.put("mediamesh.user-svc.passwords.argon2-iterations", 1);
    }

    /** Overrides one configuration key for every instance started afterwards (engine settings, ...). */
    public SchedulerMesh with(String path, Object value) {
        overrides.put(path, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String base = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
        userDatabaseSettings = TestDatabase.settingsFor(base + "_u");
        schedulerDatabaseSettings = schedulerSchema.settingsFor(base + "_s");
        mediaDatabaseSettings = TestDatabase.settingsFor(base + "_m");
        UserSvcSettings userSettings = UserSvcSettings.from(config()).withDatabase(userDatabaseSettings);
        userDatabase = Database.open(userSettings.database(), UserSvc.MIGRATIONS);
        MeshTls userTls = tls(Identity.USER_SVC);
        userSvc = new UserSvc(userDatabase, userSettings, Clock.systemUTC(), userTls);
        userSvc.bootstrapAdmin();
        userServer = TestMeshCa.start(userTls, 0, List.of(), userSvc::configureServices);
        // Opening the schema migrates it, so that tests can read it before any instance starts.
        schedulerDatabase = Database.open(schedulerDatabaseSettings, SchedulerSvc.MIGRATIONS);
        try {
            videoRoot = Files.createTempDirectory("mediamesh-scheduler-videos-");
            // A port of its own from the start, so schedulers can be pointed at a media-svc that is down.
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                mediaPort = socket.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        videoFiles = new VideoFileStore(videoRoot, Clock.systemUTC());
        startMediaSvc();
    }

    /** Starts media-svc on its port (again, after {@link #stopMediaSvc()}). */
    public void startMediaSvc() {
        Config config = ConfigFactory.parseMap(Map.of("mediamesh.media-svc.files.root", videoRoot.toString(),
                                                      "mediamesh.endpoints.user-svc", endpoints().userSvc(),
                                                      // No config-svc here: nothing listens on port 1.
                                                      "mediamesh.endpoints.config-svc", "127.0.0.1:1",
                                                      // Any free port, beside other tests and meshes.
                                                      "mediamesh.media-svc.file-server.port", 0))
                                     .withFallback(config());
        MediaSvcSettings settings = MediaSvcSettings.from(config).withDatabase(mediaDatabaseSettings);
        mediaDatabase = Database.open(settings.database(), MediaSvc.MIGRATIONS);
        mediaTls = TestMeshCa.tls(Identity.MEDIA_SVC);
        mediaSvc = new MediaSvc(mediaDatabase, settings, mediaTls, Clock.systemUTC());
        ServerBuilder sb = TestMeshCa.listen(Server.builder(), mediaTls, mediaPort, MediaSvc.PLAIN_PATHS);
        mediaSvc.configureServices(sb);
        mediaServer = sb.build();
        mediaServer.start().join();
    }

    public void stopMediaSvc() {
        mediaServer.stop().join();
        mediaSvc.close();
        mediaTls.close();
        mediaDatabase.close();
    }

    /** Puts a small MP4 in place as the file of each video, as an upload would. */
    public void storeFiles(Collection<Long> videoIds) {
        byte[] bytes = { 0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 0, 1, 'm', 'p', '4', '2' };
        for (long videoId : videoIds) {
            try (VideoFileUpload upload = videoFiles.startUpload(videoId, SizeLimit.of(1024))) {
                upload.write(ByteString.copyFrom(bytes));
                videoFiles.commit(upload, stored -> {});
            }
        }
    }

    /**
     * DeleteVideoFile calls the running media-svc has answered since it started, as it counts them
     * itself (its Prometheus metrics): what the schedulers really did, whatever they recorded.
     */
    public long mediaDeleteCalls() {
        String metrics = TestMeshCa.web(mediaPort).get("/metrics").contentUtf8();
        return metrics.lines()
                      .filter(line -> line.startsWith("grpc_service_requests_total{") &&
                                      line.contains("method=\"DeleteVideoFile\""))
                      .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                      .sum();
    }

    /** Whether media-svc has a file for the video. */
    public boolean hasFile(long videoId) {
        return videoFiles.stat(videoId).isPresent();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (Instance instance : List.copyOf(instances)) {
            instance.stop();
        }
        stopMediaSvc();
        TestDatabase.drop(mediaDatabaseSettings);
        try (Stream<Path> paths = Files.walk(videoRoot)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        userServer.stop().join();
        userSvc.close();
        userDatabase.close();
        schedulerDatabase.close();
        identities.forEach(MeshTls::close);
        TestDatabase.drop(userDatabaseSettings);
        if (dropSchedulerSchema) {
            TestDatabase.drop(schedulerDatabaseSettings);
        }
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

        /** This instance's own pool, on its own URL. */
        public DSLContext db() {
            return database.dsl();
        }

        /** Transactions this instance ran again after a conflict (on Galera, a certification failure). */
        public long conflictRetries() {
            return database.conflictRetry().retried();
        }

        /**
         * Stops the engine gracefully, then the server. (Main's shutdown hook stops the server first,
         * which only delays the engine's stop by the server's drain; here the stop is to happen now.)
         */
        public void stop() {
            if (!stopped) {
                stopped = true;
                svc.close();
                server.stop().join();
                database.close();
                instances.remove(this);
            }
        }
    }

    /** Starts a scheduler-svc instance on an ephemeral port, its engine running if {@code runEngine}. */
    public Instance startScheduler(String instanceId, boolean runEngine) {
        return startScheduler(instanceId, runEngine, Map.of());
    }

    /** As {@link #startScheduler(String, boolean)}, with configuration for this instance only. */
    public Instance startScheduler(String instanceId, boolean runEngine, Map<String, Object> instanceOverrides) {
        return startScheduler(instanceId, runEngine, instanceOverrides, schedulerDatabaseSettings);
    }

    /** As {@link #startScheduler(String, boolean, Map)}, on the scheduler schema through {@code databaseSettings}. */
    public Instance startScheduler(String instanceId, boolean runEngine, Map<String, Object> instanceOverrides,
                                   DatabaseSettings databaseSettings) {
        Map<String, Object> own = new HashMap<>(instanceOverrides);
        own.put("mediamesh.scheduler-svc.engine.instance-id", instanceId);
        Config config = ConfigFactory.parseMap(own).withFallback(config());
        SchedulerSvcSettings settings = SchedulerSvcSettings.from(config).withDatabase(databaseSettings)
                                                            .withEndpoints(endpoints());
        Database database = Database.open(settings.database(), SchedulerSvc.MIGRATIONS);
        MeshTls tls = tls(Identity.SCHEDULER_SVC);
        SchedulerSvc svc = new SchedulerSvc(database, settings, tls, Clock.systemUTC());
        Server server = TestMeshCa.start(tls, 0, List.of(), svc::configureServices);
        if (runEngine) {
            svc.startEngine();
        }
        Instance instance = new Instance(server, svc, database);
        instances.add(instance);
        return instance;
    }

    /** The endpoints of the services this mesh runs. */
    public ServiceEndpoints endpoints() {
        return ServiceEndpoints.from(config()).withUserSvc("127.0.0.1:" + userServer.activeLocalPort())
                               .withMediaSvc("127.0.0.1:" + mediaPort);
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
        return TestMeshCa.grpc(userServer.activeLocalPort()).build(type);
    }

    /** A SchedulerService stub calling {@code instance} with a session (or none if null). */
    public static SchedulerServiceBlockingStub asSession(Instance instance, String sessionId) {
        var builder = TestMeshCa.grpc(instance.port());
        if (sessionId != null) {
            builder.setHeader(Callers.SESSION_HEADER, sessionId);
        }
        return builder.build(SchedulerServiceBlockingStub.class);
    }

    /**
     * Schedules the deletion of {@code videos} in chunks of {@code chunkSize}, through the
     * {@code instances} in turn, as other services would.
     */
    public static void scheduleDeletions(List<Long> videos, int chunkSize, Instance... instances) {
        for (int from = 0, chunk = 0; from < videos.size(); from += chunkSize, chunk++) {
            asService(instances[chunk % instances.length]).scheduleVideoDeletions(
                    ScheduleVideoDeletionsRequest.newBuilder()
                                                 .addAllVideoIds(videos.subList(from, Math.min(videos.size(),
                                                                                               from + chunkSize)))
                                                 .build());
        }
    }

    /** A SchedulerService stub calling {@code instance} as user-svc on its own behalf (its deletion relay). */
    public static SchedulerServiceBlockingStub asService(Instance instance) {
        return TestMeshCa.grpc(USER_SVC, instance.port()).build(SchedulerServiceBlockingStub.class);
    }

    /** A fresh certificate of {@code identity} from the test CA, closed after the class. */
    private MeshTls tls(Identity identity) {
        MeshTls tls = TestMeshCa.tls(identity);
        identities.add(tls);
        return tls;
    }

    private Config config() {
        return ConfigFactory.parseMap(overrides).withFallback(Configs.load(Map.of()));
    }
}
