package io.mediamesh.scheduler.testing;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.ClientFactory;
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
import io.mediamesh.common.server.BackgroundWork;
import io.mediamesh.common.server.RunningService;
import io.mediamesh.common.testing.FreePorts;
import io.mediamesh.common.testing.InJvmServices;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.launcher.LocalMesh;
import io.mediamesh.launcher.MeshStartException;
import io.mediamesh.media.MediaSvc;
import io.mediamesh.media.MediaSvcSettings;
import io.mediamesh.media.file.SizeLimit;
import io.mediamesh.media.file.VideoFileStore;
import io.mediamesh.media.file.VideoFileUpload;
import io.mediamesh.scheduler.SchedulerSvc;
import io.mediamesh.scheduler.SchedulerSvcSettings;
import io.mediamesh.user.UserSvc;
import io.mediamesh.user.UserSvcSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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

    private static final String USER_SVC_TIER = "user-svc";
    private static final String MEDIA_SVC_TIER = "media-svc";

    private final Map<String, Object> overrides = new HashMap<>(InJvmServices.SETTINGS);
    private final SchemaSource schedulerSchema;
    /** Only schemas on the shared server are dropped; a test's own server goes away with it. */
    private final boolean dropSchedulerSchema;
    private final LocalMesh mesh = LocalMesh.inThisJvm();
    private int schedulersStarted;
    private DatabaseSettings userDatabaseSettings;
    private DatabaseSettings schedulerDatabaseSettings;
    private Database schedulerDatabase;
    private Path videoRoot;
    private VideoFileStore videoFiles;
    private int mediaPort;
    private DatabaseSettings mediaDatabaseSettings;

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
        mesh.startTier(LocalMesh.Tier.inJvm(USER_SVC_TIER, () -> {
            UserSvcSettings settings = UserSvcSettings.from(config()).withDatabase(userDatabaseSettings);
            return InJvmServices.closingTls(Identity.USER_SVC, tls -> UserSvc.run(settings, tls, Clock.systemUTC()));
        }));
        // Opening the schema migrates it, so that tests can read it before any instance starts.
        schedulerDatabase = Database.open(schedulerDatabaseSettings, SchedulerSvc.MIGRATIONS);
        videoRoot = Files.createTempDirectory("mediamesh-scheduler-videos-");
        // A port of its own from the start, so schedulers can be pointed at a media-svc that is down.
        mediaPort = FreePorts.tcp();
        videoFiles = new VideoFileStore(videoRoot, Clock.systemUTC());
        mesh.startTier(LocalMesh.Tier.inJvm(MEDIA_SVC_TIER, this::runMediaSvc));
    }

    private RunningService<MediaSvc> runMediaSvc() throws Exception {
        Config config = ConfigFactory.parseMap(Map.of("mediamesh.media-svc.files.root", videoRoot.toString(),
                                                      "mediamesh.media-svc.server.port", mediaPort,
                                                      "mediamesh.endpoints.user-svc", endpoints().userSvc(),
                                                      // No config-svc here: nothing listens on port 1.
                                                      "mediamesh.endpoints.config-svc", "127.0.0.1:1",
                                                      // Any free port, beside other tests and meshes.
                                                      "mediamesh.media-svc.file-server.port", 0))
                                     .withFallback(config());
        MediaSvcSettings settings = MediaSvcSettings.from(config).withDatabase(mediaDatabaseSettings);
        return InJvmServices.closingTls(Identity.MEDIA_SVC, tls -> MediaSvc.run(settings, tls, Clock.systemUTC(),
                BackgroundWork.OFF));
    }

    /** Starts media-svc on its port again, after {@link #stopMediaSvc()}. */
    public void startMediaSvc() throws Exception {
        mesh.start(MEDIA_SVC_TIER, 0);
    }

    public void stopMediaSvc() {
        mesh.stop(MEDIA_SVC_TIER, 0);
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
        mesh.stop();
        TestDatabase.drop(mediaDatabaseSettings);
        try (Stream<Path> paths = Files.walk(videoRoot)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        schedulerDatabase.close();
        TestDatabase.drop(userDatabaseSettings);
        if (dropSchedulerSchema) {
            TestDatabase.drop(schedulerDatabaseSettings);
        }
    }

    /** One scheduler-svc instance: a tier of the mesh of its own, its engine running or not. */
    public final class Instance {
        private final String tier;
        private final RunningService<SchedulerSvc> running;

        private Instance(String tier) {
            this.tier = tier;
            this.running = mesh.running(tier, 0).as(SchedulerSvc.class);
        }

        public int port() {
            return running.port();
        }

        public String instanceId() {
            return running.service().instanceId();
        }

        /** This instance's own pool, on its own URL. */
        public DSLContext db() {
            return running.database().dsl();
        }

        /** Transactions this instance ran again after a conflict (on Galera, a certification failure). */
        public long conflictRetries() {
            return running.database().conflictRetry().retried();
        }

        /** Stops it as Main's shutdown does: serving first, then the engine finishes or hands back its tasks. */
        public void stop() {
            mesh.stop(tier, 0);
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
        // The same instance id may start again after a stop, as a restarted process: a tier each time.
        String tier = "scheduler-svc-" + (++schedulersStarted) + " (" + instanceId + ")";
        try {
            mesh.startTier(LocalMesh.Tier.inJvm(tier, () -> InJvmServices.closingTls(
                    Identity.SCHEDULER_SVC,
                    tls -> SchedulerSvc.run(settings, tls,
                                            Clock.systemUTC(), runEngine ? BackgroundWork.RUN : BackgroundWork.OFF))));
        } catch (MeshStartException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + tier, e);
        }
        return new Instance(tier);
    }

    /** The endpoints of the services this mesh runs. */
    public ServiceEndpoints endpoints() {
        return ServiceEndpoints.from(config()).withUserSvc("127.0.0.1:" + mesh.running(USER_SVC_TIER, 0).port())
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
        return TestMeshCa.grpc(mesh.running(USER_SVC_TIER, 0).port()).build(type);
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

    private Config config() {
        return ConfigFactory.parseMap(overrides).withFallback(Configs.load(Map.of()));
    }
}
