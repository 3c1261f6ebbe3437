package io.mediamesh.gateway.testing;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.testing.TestDatabase;
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
 * serving gRPC, and the gateway calling it over gRPC. Either server can be restarted on its port
 * as a new instance (fresh caches, fresh pool), as after a process restart.
 */
public final class Mesh implements BeforeAllCallback, AfterAllCallback {
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-password-1";

    private final Map<String, Object> overrides = new HashMap<>();
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

    @Override
    public void beforeAll(ExtensionContext context) {
        databaseSettings = TestDatabase.settingsFor(context.getRequiredTestClass().getSimpleName()
                                                           .toLowerCase(Locale.ROOT));
        startUserSvc();
        startGateway();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stopGateway();
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

    private void startGateway() {
        GatewaySettings base = GatewaySettings.from(config());
        GatewaySettings settings = base.withEndpoints(base.endpoints().withUserSvc("127.0.0.1:" + userPort));
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
