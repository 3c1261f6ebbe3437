package io.mediamesh.gateway.testing;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.config.ServiceEndpoints;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.config.ConfigSvc;
import io.mediamesh.config.ConfigSvcSettings;
import io.mediamesh.gateway.Gateway;
import io.mediamesh.gateway.GatewaySettings;
import io.mediamesh.media.MediaSvc;
import io.mediamesh.media.MediaSvcSettings;
import io.mediamesh.user.UserSvc;
import io.mediamesh.user.UserSvcSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real thing on loopback for one test class: a schema of its own on the real MariaDB, user-svc
 * serving gRPC, media-svc with a temporary video folder, and the gateway calling them over gRPC;
 * with {@link #withConfigSvc()}, config-svc too (its own schema, sessions checked by that user-svc).
 * user-svc, media-svc and the gateway can be restarted on their ports as new instances (fresh
 * caches, fresh pool), as after a process restart.
 */
public final class Mesh implements BeforeAllCallback, AfterAllCallback {
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-password-1";

    private final Map<String, Object> overrides = new HashMap<>();
    private boolean configSvcWanted;
    private DatabaseSettings configDatabaseSettings;
    private Database configDatabase;
    private Server configServer;
    private DatabaseSettings databaseSettings;
    private Database database;
    private UserSvc userSvc;
    private Server userServer;
    private Server mediaServer;
    private Server gatewayServer;
    private Gateway gateway;
    private Path videoRoot;
    private int userPort;
    private int mediaPort;
    private int gatewayPort;

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

    @Override
    public void beforeAll(ExtensionContext context) {
        String base = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
        databaseSettings = TestDatabase.settingsFor(base);
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
        startGateway();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stopGateway();
        stopMediaSvc();
        if (configServer != null) {
            configServer.stop().join();
            configDatabase.close();
            TestDatabase.drop(configDatabaseSettings);
        }
        stopUserSvc();
        TestDatabase.drop(databaseSettings);
        try (Stream<Path> paths = Files.walk(videoRoot)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    public Rest rest() {
        return new Rest(gatewayUri());
    }

    public String gatewayUri() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    public int gatewayPort() {
        return gatewayPort;
    }

    public int userSvcPort() {
        return userPort;
    }

    public int mediaSvcPort() {
        return mediaPort;
    }

    /** media-svc's video folder. */
    public Path videoRoot() {
        return videoRoot;
    }

    public Database database() {
        return database;
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
        userSvc = new UserSvc(database, settings, Clock.systemUTC(), ClientFactory.ofDefault());
        userSvc.bootstrapAdmin();
        userServer = start(userPort, userSvc::configureServices);
        userPort = userServer.activeLocalPort();
    }

    public void stopMediaSvc() {
        if (mediaServer != null) {
            mediaServer.stop().join();
            mediaServer = null;
        }
    }

    public void startMediaSvc() {
        Map<String, Object> media = Map.of("mediamesh.endpoints.user-svc", "127.0.0.1:" + userPort,
                                           "mediamesh.media-svc.files.root", videoRoot.toString());
        MediaSvcSettings settings = MediaSvcSettings.from(ConfigFactory.parseMap(media).withFallback(config()));
        MediaSvc mediaSvc = new MediaSvc(settings, ClientFactory.ofDefault(), Clock.systemUTC());
        mediaServer = start(mediaPort, mediaSvc::configureServices);
        mediaPort = mediaServer.activeLocalPort();
    }

    private void stopGateway() {
        if (gatewayServer != null) {
            gatewayServer.stop().join();
            gatewayServer = null;
            gateway.close();
        }
    }

    private void startConfigSvc() {
        ConfigSvcSettings base = ConfigSvcSettings.from(config()).withDatabase(configDatabaseSettings);
        ConfigSvcSettings settings = base.withEndpoints(base.endpoints().withUserSvc("127.0.0.1:" + userPort));
        configDatabase = Database.open(settings.database(), ConfigSvc.MIGRATIONS);
        ConfigSvc configSvc = new ConfigSvc(configDatabase, settings, ClientFactory.ofDefault(), Clock.systemUTC());
        configSvc.bootstrapDefaults();
        configServer = start(0, configSvc::configureServices);
    }

    private void startGateway() {
        GatewaySettings base = GatewaySettings.from(config());
        ServiceEndpoints endpoints = base.endpoints();
        String configSvc = configServer != null ? "127.0.0.1:" + configServer.activeLocalPort() : endpoints.configSvc();
        GatewaySettings settings = base.withEndpoints(new ServiceEndpoints(
                "127.0.0.1:" + userPort, "127.0.0.1:" + mediaPort, configSvc, endpoints.schedulerSvc()));
        gateway = new Gateway(settings, ClientFactory.ofDefault());
        gatewayServer = start(gatewayPort, gateway::configureServices);
        gatewayPort = gatewayServer.activeLocalPort();
    }

    private Config config() {
        return ConfigFactory.parseMap(overrides).withFallback(Configs.load(Map.of()));
    }

    /** Starts a server on {@code port}, or on an ephemeral port the first time (port 0). */
    private static Server start(int port, Consumer<ServerBuilder> configure) {
        ServerBuilder sb = Server.builder().http(new InetSocketAddress("127.0.0.1", port));
        configure.accept(sb);
        Server server = sb.build();
        server.start().join();
        return server;
    }
}
