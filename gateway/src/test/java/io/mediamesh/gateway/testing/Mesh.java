package io.mediamesh.gateway.testing;

import com.linecorp.armeria.server.Server;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.BackgroundWork;
import io.mediamesh.common.server.RunningService;
import io.mediamesh.common.testing.FreePorts;
import io.mediamesh.common.testing.InJvmServices;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.config.ConfigSvc;
import io.mediamesh.config.ConfigSvcSettings;
import io.mediamesh.config.testing.ConfigSvcFixture;
import io.mediamesh.gateway.Gateway;
import io.mediamesh.gateway.GatewaySettings;
import io.mediamesh.launcher.LocalMesh;
import io.mediamesh.media.MediaSvc;
import io.mediamesh.media.MediaSvcSettings;
import io.mediamesh.scheduler.SchedulerSvc;
import io.mediamesh.scheduler.SchedulerSvcSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real thing on loopback for one test class: a schema of its own on the real MariaDB, user-svc
 * serving gRPC, media-svc (its own schema and a temporary video folder), and the gateway calling them
 * over gRPC; with {@link #withConfigSvc()}, config-svc too; with {@link #withScheduler()},
 * scheduler-svc too, its engine off so that tasks stay as scheduled; with
 * {@link #withFileDeletions()}, the whole deletion path runs: user-svc's outbox relay, the
 * scheduler's engine and media-svc. Each service starts by its own {@code run}, as its Main starts it,
 * as a tier of a {@link LocalMesh} in this JVM; media-svc's background work stays off (the tests drive
 * it). Every gRPC hop runs over mutual TLS, each service with its certificate from the test CA
 * ({@link TestMeshCa}). Services reach each other on ports reserved up front, so that user-svc, media-svc
 * and the gateway restart on their ports as new instances (fresh caches, fresh pool), as after a
 * process restart.
 */
public final class Mesh implements BeforeAllCallback, AfterAllCallback {
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-password-1";
    private static final String USER_SVC = "user-svc";
    private static final String MEDIA_SVC = "media-svc";
    private static final String CONFIG_SVC = "config-svc";
    private static final String SCHEDULER_SVC = "scheduler-svc";
    private static final String GATEWAY = "gateway";

    private final Map<String, Object> overrides = new HashMap<>(InJvmServices.SETTINGS);
    private boolean configSvcWanted;
    private boolean withScheduler;
    private BackgroundWork schedulerWork = BackgroundWork.OFF;
    private DatabaseSettings databaseSettings;
    private DatabaseSettings mediaDatabaseSettings;
    private DatabaseSettings configDatabaseSettings;
    private DatabaseSettings schedulerDatabaseSettings;
    private Path videoRoot;
    private int userPort;
    private int mediaPort;
    private int filesPort;
    private int gatewayPort;
    private int managementPort;
    private Config config;
    private LocalMesh mesh;
    private Rest asAdmin;

    public Mesh() {
        overrides.put("mediamesh.user-svc.admin.password", ADMIN_PASSWORD);
        // Cheaper Argon2 keeps a test class with dozens of registrations fast; the algorithm is the same.
        overrides.put("mediamesh.user-svc.passwords.argon2-memory-kib", 1024);
        overrides.put("mediamesh.user-svc.passwords.argon2-iterations", 1);
    }

    /** Overrides one configuration key, e.g. the session idle timeout. */
    public Mesh with(String path, Object value) {
        overrides.put(path, value);
        return this;
    }

    /** Also runs config-svc (the admin routes' backend). */
    public Mesh withConfigSvc() {
        configSvcWanted = true;
        // Long enough for coturn to read its file and complain; keeps the suite quick.
        overrides.put("mediamesh.config-svc.validation.coturn-trial", "1s");
        return this;
    }

    /** Also runs scheduler-svc, for the /scheduler routes. */
    public Mesh withScheduler() {
        withScheduler = true;
        return this;
    }

    /** Runs the whole file-deletion path: outbox relay, scheduler engine, media-svc. */
    public Mesh withFileDeletions() {
        withScheduler = true;
        schedulerWork = BackgroundWork.RUN;
        overrides.put("mediamesh.user-svc.file-deletions.relay-interval", "500ms");
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String base = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
        databaseSettings = TestDatabase.settingsFor(base);
        mediaDatabaseSettings = TestDatabase.settingsFor(base + "_m");
        configDatabaseSettings = TestDatabase.settingsFor(base + "_c");
        schedulerDatabaseSettings = TestDatabase.settingsFor(base + "_s");
        videoRoot = Files.createTempDirectory("mediamesh-videos-");
        // Fixed for the class, so that the services can name each other before they start and keep their ports
        // when they restart.
        userPort = freePort();
        mediaPort = freePort();
        filesPort = freePort();
        gatewayPort = freePort();
        managementPort = freePort();
        serveOn(USER_SVC, userPort);
        serveOn(MEDIA_SVC, mediaPort);
        serveOn(CONFIG_SVC, freePort());
        serveOn(SCHEDULER_SVC, freePort());
        overrides.put("mediamesh.media-svc.file-server.port", filesPort);
        overrides.put("mediamesh.endpoints.media-files", "127.0.0.1:" + filesPort);
        overrides.put("mediamesh.gateway.server.port", gatewayPort);
        overrides.put("mediamesh.gateway.management.port", managementPort);
        overrides.put("mediamesh.media-svc.files.root", videoRoot.toString());
        config = ConfigFactory.parseMap(overrides).withFallback(Configs.load(Map.of()));

        mesh = LocalMesh.inThisJvm();
        mesh.startTier(LocalMesh.Tier.inJvm(USER_SVC, () -> ConfigSvcFixture.runUserSvc(config, databaseSettings)));
        mesh.startTier(LocalMesh.Tier.inJvm(MEDIA_SVC, () -> runMediaSvc(Map.of())));
        if (configSvcWanted) {
            mesh.startTier(LocalMesh.Tier.inJvm(CONFIG_SVC, () -> {
                ConfigSvcSettings settings = ConfigSvcSettings.from(config).withDatabase(configDatabaseSettings);
                return InJvmServices.closingTls(Identity.CONFIG_SVC,
                                                tls -> ConfigSvc.run(settings, tls, Clock.systemUTC()));
            }));
        }
        if (withScheduler) {
            mesh.startTier(LocalMesh.Tier.inJvm(SCHEDULER_SVC, () -> {
                SchedulerSvcSettings settings = SchedulerSvcSettings.from(config)
                                                                    .withDatabase(schedulerDatabaseSettings);
                return InJvmServices.closingTls(Identity.SCHEDULER_SVC, tls -> SchedulerSvc.run(settings, tls,
                        Clock.systemUTC(), schedulerWork));
            }));
        }
        mesh.startTier(LocalMesh.Tier.inJvm(GATEWAY, () -> runGateway(Map.of())));
    }

    /** {@code service} listens on loopback {@code port}, where the other services call it. */
    private void serveOn(String service, int port) {
        overrides.put("mediamesh." + service + ".server.port", port);
        overrides.put("mediamesh.endpoints." + service, "127.0.0.1:" + port);
    }

    /** media-svc on this mesh's schema and video folder, its background work off; {@code replicaOverrides} win. */
    private RunningService<MediaSvc> runMediaSvc(Map<String, Object> replicaOverrides) throws Exception {
        MediaSvcSettings settings = MediaSvcSettings.from(ConfigFactory.parseMap(replicaOverrides).withFallback(config))
                                                    .withDatabase(mediaDatabaseSettings);
        return InJvmServices.closingTls(Identity.MEDIA_SVC, tls -> MediaSvc.run(settings, tls, Clock.systemUTC(),
                BackgroundWork.OFF));
    }

    /** A gateway in front of this mesh's services; {@code replicaOverrides} win. */
    private RunningService<Gateway> runGateway(Map<String, Object> replicaOverrides) throws Exception {
        return ConfigGateway.start(GatewaySettings.from(ConfigFactory.parseMap(replicaOverrides).withFallback(config)));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        mesh.stop();
        // A schema of a service that did not run was never created: its drop does nothing.
        for (DatabaseSettings schema : List.of(schedulerDatabaseSettings, configDatabaseSettings,
                                               mediaDatabaseSettings, databaseSettings)) {
            TestDatabase.drop(schema);
        }
        try (Stream<Path> paths = Files.walk(videoRoot)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    public Rest rest() {
        return new Rest(gatewayUri());
    }

    /** The REST client as the bootstrap admin, signed in through the gateway on first use and kept for the class. */
    public synchronized Rest asAdmin() {
        if (asAdmin == null) {
            Rest rest = rest();
            asAdmin = rest.as(rest.login(ADMIN, ADMIN_PASSWORD));
        }
        return asAdmin;
    }

    public String gatewayUri() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    public int gatewayPort() {
        return gatewayPort;
    }

    /** The running gateway's server, e.g. to read the routes it serves. */
    public Server gatewayServer() {
        return mesh.running(GATEWAY, 0).server();
    }

    /** The gateway's management port: /docs, /metrics, /health, gRPC reflection and health. */
    public int managementPort() {
        return managementPort;
    }

    public String managementUri() {
        return "http://127.0.0.1:" + managementPort;
    }

    public int userSvcPort() {
        return userPort;
    }

    public int mediaSvcPort() {
        return mediaPort;
    }

    /** media-svc's HTTP file server (playback and uploads), where the gateway sends players. */
    public int filesPort() {
        return filesPort;
    }

    /** Removes the resumable uploads that expired, as media-svc's housekeeping does every interval. */
    public int sweepExpiredUploads() {
        return ((MediaSvc) mesh.running(MEDIA_SVC, 0).service()).sweepExpiredUploads();
    }

    /** media-svc's video folder. */
    public Path videoRoot() {
        return videoRoot;
    }

    /** user-svc's database. */
    public Database database() {
        return mesh.running(USER_SVC, 0).database();
    }

    /** media-svc's database. */
    public Database mediaDatabase() {
        return mesh.running(MEDIA_SVC, 0).database();
    }

    /** scheduler-svc's database (with {@link #withScheduler()}). */
    public Database schedulerDatabase() {
        return mesh.running(SCHEDULER_SVC, 0).database();
    }

    /** Stops user-svc and starts a new one on its port, as after a process restart. */
    public void restartUserSvc() {
        stopUserSvc();
        startUserSvc();
    }

    /** Stops the gateway and starts a new one on its ports, as after a process restart. */
    public void restartGateway() {
        mesh.stop(GATEWAY, 0);
        startAgain(GATEWAY);
    }

    public void stopUserSvc() {
        mesh.stop(USER_SVC, 0);
    }

    public void startUserSvc() {
        startAgain(USER_SVC);
    }

    public void stopMediaSvc() {
        mesh.stop(MEDIA_SVC, 0);
    }

    public void startMediaSvc() {
        startAgain(MEDIA_SVC);
    }

    /** Starts {@code tier}'s service again after {@link LocalMesh#stop(String, int)}: a new one, on the same ports. */
    private void startAgain(String tier) {
        unchecked(() -> {
            mesh.start(tier, 0);
            return mesh.running(tier, 0);
        });
    }

    /**
     * Starts another media-svc on the same schema and video folder, as a second replica would run: a
     * MediaSvc, pool and servers of its own, its gRPC and file server on ports of their own. The
     * gateway still calls the first; the caller reaches this one's file server directly and closes it.
     */
    public MediaSvcReplica startMediaSvcReplica() {
        return new MediaSvcReplica(unchecked(() -> runMediaSvc(Map.of("mediamesh.media-svc.server.port", 0,
                                                                    "mediamesh.media-svc.file-server.port", 0))));
    }

    /** A media-svc of {@link #startMediaSvcReplica}. */
    public record MediaSvcReplica(RunningService<MediaSvc> running) implements AutoCloseable {
        public int filesPort() {
            return running.service().fileServerPort();
        }

        @Override
        public void close() {
            running.close();
        }
    }

    /**
     * Starts another gateway on the same services, as a second replica behind a load balancer
     * would run: a process of its own (here a Gateway and server of its own) on a port of its own,
     * with its own management port. The caller closes it.
     */
    public GatewayReplica startGatewayReplica() {
        return new GatewayReplica(unchecked(() -> runGateway(Map.of("mediamesh.gateway.server.port", 0,
                                                                  "mediamesh.gateway.management.port", freePort()))));
    }

    /** A gateway of {@link #startGatewayReplica}. */
    public record GatewayReplica(RunningService<Gateway> running) implements AutoCloseable {
        public int port() {
            return running.port();
        }

        @Override
        public void close() {
            running.close();
        }
    }

    /** A loopback port free now, for a server that must know its port before it starts. */
    public static int freePort() {
        return FreePorts.tcp();
    }

    /** What {@code start} returns; a service that fails to start fails the test. */
    private static <T> T unchecked(Callable<T> start) {
        try {
            return start.call();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
