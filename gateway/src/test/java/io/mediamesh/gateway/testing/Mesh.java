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
import io.mediamesh.user.UserSvc;
import io.mediamesh.user.UserSvcSettings;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real thing on loopback for one test class: a schema of its own on the real MariaDB, user-svc
 * serving gRPC, and the gateway calling it over gRPC; with {@link #withConfigSvc()}, config-svc too
 * (its own schema, sessions checked by that user-svc). user-svc and the gateway can be restarted on
 * their ports as new instances (fresh caches, fresh pool), as after a process restart.
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
    private Server gatewayServer;
    private int userPort;
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
        if (configSvcWanted) {
            configDatabaseSettings = TestDatabase.settingsFor(base + "_c");
            startConfigSvc();
        }
        startGateway();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stopGateway();
        if (configServer != null) {
            configServer.stop().join();
            configDatabase.close();
            TestDatabase.drop(configDatabaseSettings);
        }
        stopUserSvc();
        TestDatabase.drop(databaseSettings);
    }

    public Rest rest() {
        return new Rest("http://127.0.0.1:" + gatewayPort);
    }

    public int userSvcPort() {
        return userPort;
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

    private void stopGateway() {
        if (gatewayServer != null) {
            gatewayServer.stop().join();
            gatewayServer = null;
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
        ServiceEndpoints endpoints = base.endpoints().withUserSvc("127.0.0.1:" + userPort);
        if (configServer != null) {
            endpoints = new ServiceEndpoints(endpoints.userSvc(), endpoints.mediaSvc(),
                                             "127.0.0.1:" + configServer.activeLocalPort(), endpoints.schedulerSvc());
        }
        GatewaySettings settings = base.withEndpoints(endpoints);
        Gateway gateway = new Gateway(settings, ClientFactory.ofDefault());
        gatewayServer = start(gatewayPort, gateway::configureServices);
        gatewayPort = gatewayServer.activeLocalPort();
    }

    private Config config() {
        return ConfigFactory.parseMap(overrides).withFallback(Configs.load(Map.of()));
    }

    /** Starts a server on {@code port}, or on an ephemeral port the first time (port 0). */
    private static Server start(int port, Consumer<ServerBuilder> configure) {
        ServerBuilder sb = Server.builder().http(port);
        configure.accept(sb);
        Server server = sb.build();
        server.start().join();
        return server;
    }
}
