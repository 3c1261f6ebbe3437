package io.mediamesh.gateway.testing;

import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.config.ServiceEndpoints;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.testing.FreePorts;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.config.ConfigSvc;
import io.mediamesh.config.ConfigSvcSettings;
import io.mediamesh.gateway.Gateway;
import io.mediamesh.gateway.GatewaySettings;
import io.mediamesh.media.MediaSvc;
import io.mediamesh.media.MediaSvcSettings;
import io.mediamesh.scheduler.SchedulerSvc;
import io.mediamesh.scheduler.SchedulerSvcSettings;
import io.mediamesh.user.UserSvc;
import io.mediamesh.user.UserSvcSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * scheduler's engine and media-svc. Every gRPC hop runs over mutual TLS, each service with its
 * certificate from the test CA ({@link TestMeshCa}). Services reach each other on
 * ports reserved up front. user-svc, media-svc and the gateway can be restarted on their ports as
 * new instances (fresh caches, fresh pool), as after a process restart.
 */
public final class Mesh implements BeforeAllCallback, AfterAllCallback {
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-password-1";

    private final Map<String, Object> overrides = new HashMap<>();
    private boolean configSvcWanted;
    private DatabaseSettings configDatabaseSettings;
    private Database configDatabase;
    private ConfigSvc configSvc;
    private Server configServer;
    private DatabaseSettings databaseSettings;
    private Database database;
    private UserSvc userSvc;
    private Server userServer;
    private DatabaseSettings mediaDatabaseSettings;
    private Database mediaDatabase;
    private MediaSvc mediaSvc;
    private Server mediaServer;
    private Server gatewayServer;
    private Gateway gateway;
    private Path videoRoot;
    private int userPort;
    private int mediaPort;
    private int schedulerPort;
    private int filesPort;
    private int gatewayPort;
    private int managementPort;
    private boolean withScheduler;
    private boolean runSchedulerEngine;
    private Rest asAdmin;
    private DatabaseSettings schedulerDatabaseSettings;
    private Database schedulerDatabase;
    private SchedulerSvc schedulerSvc;
    private Server schedulerServer;
    /** The TLS of every process started, each closed when the mesh stops. */
    private final List<MeshTls> identities = new ArrayList<>();

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
        runSchedulerEngine = true;
        overrides.put("mediamesh.user-svc.file-deletions.relay-interval", "500ms");
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String base = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
        databaseSettings = TestDatabase.settingsFor(base);
        mediaDatabaseSettings = TestDatabase.settingsFor(base + "_m");
        // Fixed for the class, so that the services can name each other before they start.
        userPort = freePort();
        mediaPort = freePort();
        schedulerPort = freePort();
        filesPort = freePort();
        gatewayPort = freePort();
        managementPort = freePort();
        overrides.put("mediamesh.gateway.management.port", managementPort);
        overrides.put("mediamesh.endpoints.user-svc", "127.0.0.1:" + userPort);
        overrides.put("mediamesh.endpoints.media-files", "127.0.0.1:" + filesPort);
        overrides.put("mediamesh.media-svc.file-server.port", filesPort);
        overrides.put("mediamesh.endpoints.media-svc", "127.0.0.1:" + mediaPort);
        overrides.put("mediamesh.endpoints.scheduler-svc", "127.0.0.1:" + schedulerPort);
        startUserSvc();
        try {
            videoRoot = Files.createTempDirectory("mediamesh-videos-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        startMediaSvc();
        if (configSvcWanted) {
            configDatabaseSettings = TestDatabase.settingsFor(base + "_c");
            startConfigSvc();
        }
        if (withScheduler) {
            startSchedulerSvc(base);
        }
        startGateway();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stopGateway();
        stopMediaSvc();
        TestDatabase.drop(mediaDatabaseSettings);
        if (configServer != null) {
            configServer.stop().join();
            configSvc.close();
            configDatabase.close();
            TestDatabase.drop(configDatabaseSettings);
        }
        if (schedulerServer != null) {
            schedulerServer.stop().join();
            schedulerSvc.close();
            schedulerDatabase.close();
            TestDatabase.drop(schedulerDatabaseSettings);
        }
        stopUserSvc();
        TestDatabase.drop(databaseSettings);
        try (Stream<Path> paths = Files.walk(videoRoot)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        identities.forEach(MeshTls::close);
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

    /** The gateway's management port: /docs, /metrics, /health, gRPC reflection and health. */
    /** The running gateway's server, e.g. to read the routes it serves. */
    public Server gatewayServer() {
        return gatewayServer;
    }

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
        return mediaSvc.sweepExpiredUploads();
    }

    /** media-svc's video folder. */
    public Path videoRoot() {
        return videoRoot;
    }

    public Database database() {
        return database;
    }

    /** media-svc's database. */
    public Database mediaDatabase() {
        return mediaDatabase;
    }

    /** scheduler-svc's database (with {@link #withScheduler()}). */
    public Database schedulerDatabase() {
        return schedulerDatabase;
    }

    public void restartUserSvc() {
        stopUserSvc();
        startUserSvc();
    }

    public void restartGateway() {
        stopGateway();
        startGateway();
    }

    public void stopUserSvc() {
        if (userServer != null) {
            userServer.stop().join();
            userSvc.close();
            database.close();
            userServer = null;
        }
    }

    public void startUserSvc() {
        Config config = config();
        UserSvcSettings settings = UserSvcSettings.from(config).withDatabase(databaseSettings);
        database = Database.open(settings.database(), UserSvc.MIGRATIONS);
        MeshTls tls = tls(Identity.USER_SVC);
        userSvc = new UserSvc(database, settings, Clock.systemUTC(), tls);
        userSvc.bootstrapAdmin();
        userServer = TestMeshCa.start(tls, userPort, List.of(), userSvc::configureServices);
        userPort = userServer.activeLocalPort();
    }

    private void startSchedulerSvc(String testClass) {
        schedulerDatabaseSettings = TestDatabase.settingsFor(testClass + "_s");
        SchedulerSvcSettings settings = SchedulerSvcSettings.from(config()).withDatabase(schedulerDatabaseSettings);
        schedulerDatabase = Database.open(settings.database(), SchedulerSvc.MIGRATIONS);
        MeshTls tls = tls(Identity.SCHEDULER_SVC);
        schedulerSvc = new SchedulerSvc(schedulerDatabase, settings, tls, Clock.systemUTC());
        schedulerServer = TestMeshCa.start(tls, schedulerPort, List.of(), schedulerSvc::configureServices);
        if (runSchedulerEngine) {
            schedulerSvc.startEngine();
        }
    }

    public void stopMediaSvc() {
        if (mediaServer != null) {
            mediaServer.stop().join();
            mediaSvc.close();
            mediaDatabase.close();
            mediaServer = null;
        }
    }

    public void startMediaSvc() {
        Map<String, Object> media = Map.of("mediamesh.media-svc.files.root", videoRoot.toString());
        MediaSvcSettings settings = MediaSvcSettings.from(ConfigFactory.parseMap(media).withFallback(config()))
                                                    .withDatabase(mediaDatabaseSettings);
        mediaDatabase = Database.open(settings.database(), MediaSvc.MIGRATIONS);
        MeshTls tls = tls(Identity.MEDIA_SVC);
        mediaSvc = new MediaSvc(mediaDatabase, settings, tls, Clock.systemUTC());
        mediaServer = TestMeshCa.start(tls, mediaPort, MediaSvc.PLAIN_PATHS, mediaSvc::configureServices);
        mediaPort = mediaServer.activeLocalPort();
    }

    /**
     * Starts another media-svc on the same schema and video folder, as a second replica would run: a
     * MediaSvc, pool and servers of its own, its gRPC and file server on ports of their own. The
     * gateway still calls the first; the caller reaches this one's file server directly and closes it.
     */
    public MediaSvcReplica startMediaSvcReplica() {
        Map<String, Object> media = Map.of("mediamesh.media-svc.files.root", videoRoot.toString(),
                                           "mediamesh.media-svc.file-server.port", 0);
        MediaSvcSettings settings = MediaSvcSettings.from(ConfigFactory.parseMap(media).withFallback(config()))
                                                    .withDatabase(mediaDatabaseSettings);
        Database replicaDatabase = Database.open(settings.database(), MediaSvc.MIGRATIONS);
        MeshTls tls = tls(Identity.MEDIA_SVC);
        MediaSvc replica = new MediaSvc(replicaDatabase, settings, tls, Clock.systemUTC());
        Server server = TestMeshCa.start(tls, 0, MediaSvc.PLAIN_PATHS, replica::configureServices);
        return new MediaSvcReplica(replica, server, replicaDatabase);
    }

    /** A media-svc of {@link #startMediaSvcReplica}. */
    public record MediaSvcReplica(MediaSvc mediaSvc, Server server, Database database) implements AutoCloseable {
        public int filesPort() {
            return mediaSvc.fileServerPort();
        }

        @Override
        public void close() {
            server.stop().join();
            mediaSvc.close();
            database.close();
        }
    }

    private void stopGateway() {
        if (gatewayServer != null) {
            gatewayServer.stop().join();
            gatewayServer = null;
            gateway.close();
        }
    }

    private void startConfigSvc() {
        ConfigSvcSettings settings = ConfigSvcSettings.from(config()).withDatabase(configDatabaseSettings);
        configDatabase = Database.open(settings.database(), ConfigSvc.MIGRATIONS);
        MeshTls tls = tls(Identity.CONFIG_SVC);
        configSvc = new ConfigSvc(configDatabase, settings, tls, Clock.systemUTC());
        configSvc.bootstrapDefaults();
        configServer = TestMeshCa.start(tls, 0, List.of(), configSvc::configureServices);
    }

    private void startGateway() {
        GatewayReplica started = startGateway(gatewayPort, Map.of());
        gateway = started.gateway();
        gatewayServer = started.server();
    }

    /**
     * Starts another gateway on the same services, as a second replica behind a load balancer
     * would run: a process of its own (here a Gateway and server of its own) on a port of its own,
     * with its own management port. The caller closes it.
     */
    public GatewayReplica startGatewayReplica() {
        return startGateway(freePort(), Map.of("mediamesh.gateway.management.port", freePort()));
    }

    /** A gateway of {@link #startGatewayReplica}. */
    public record GatewayReplica(Gateway gateway, Server server) implements AutoCloseable {
        public int port() {
            return server.activeLocalPort();
        }

        @Override
        public void close() {
            server.stop().join();
            gateway.close();
        }
    }

    private GatewayReplica startGateway(int port, Map<String, Object> settings) {
        GatewaySettings base = GatewaySettings.from(ConfigFactory.parseMap(settings).withFallback(config()));
        ServiceEndpoints endpoints = base.endpoints();
        if (configServer != null) {
            endpoints = new ServiceEndpoints(endpoints.userSvc(), endpoints.mediaSvc(),
                                             "127.0.0.1:" + configServer.activeLocalPort(), endpoints.schedulerSvc());
        }
        Gateway started = new Gateway(base.withEndpoints(endpoints), tls(Identity.GATEWAY));
        ServerBuilder sb = Server.builder().http(new InetSocketAddress("127.0.0.1", port));
        started.configureServices(sb);
        Server server = sb.build();
        server.start().join();
        return new GatewayReplica(started, server);
    }

    private Config config() {
        return ConfigFactory.parseMap(overrides).withFallback(Configs.load(Map.of()));
    }

    /** A loopback port free now, for a server that must know its port before it starts. */
    public static int freePort() {
        return FreePorts.tcp();
    }

    /** A fresh certificate of {@code identity} from the test CA, closed when the mesh stops. */
    private MeshTls tls(Identity identity) {
        MeshTls tls = TestMeshCa.tls(identity);
        identities.add(tls);
        return tls;
    }
}
