package io.mediamesh.config.testing;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.api.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.mediamesh.api.v1.LoginRequest;
import io.mediamesh.api.v1.MediaServerServiceGrpc.MediaServerServiceBlockingStub;
import io.mediamesh.api.v1.RegisterUserRequest;
import io.mediamesh.api.v1.SessionServiceGrpc.SessionServiceBlockingStub;
import io.mediamesh.api.v1.UserServiceGrpc.UserServiceBlockingStub;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.config.ConfigSvc;
import io.mediamesh.config.ConfigSvcSettings;
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
 * The real thing on loopback for one test class: user-svc (sessions) and config-svc, each on its
 * own schema of the real MariaDB, talking real gRPC; stubs carry a session like any client.
 */
public final class ConfigSvcFixture implements BeforeAllCallback, AfterAllCallback {
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-password-1";
    public static final String SERVICE_TOKEN = "test-service-token";

    private final Map<String, Object> overrides = new HashMap<>();
    private DatabaseSettings userDatabaseSettings;
    private DatabaseSettings configDatabaseSettings;
    private Database userDatabase;
    private Database configDatabase;
    private UserSvc userSvc;
    private ConfigSvc configSvc;
    private Server userServer;
    private Server configServer;

    public ConfigSvcFixture() {
        overrides.put("mediamesh.user-svc.admin.password", ADMIN_PASSWORD);
        overrides.put("mediamesh.user-svc.passwords.argon2-memory-kib", 1024);
        overrides.put("mediamesh.user-svc.passwords.argon2-iterations", 1);
        overrides.put("mediamesh.service-token", SERVICE_TOKEN);
        // Long enough for coturn to read its file and complain; keeps the suite quick.
        overrides.put("mediamesh.config-svc.validation.coturn-trial", "1s");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String base = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
        userDatabaseSettings = TestDatabase.settingsFor(base + "_u");
        configDatabaseSettings = TestDatabase.settingsFor(base + "_c");
        Config config = ConfigFactory.parseMap(overrides).withFallback(Configs.load(Map.of()));

        UserSvcSettings userSettings = UserSvcSettings.from(config).withDatabase(userDatabaseSettings);
        userDatabase = Database.open(userSettings.database(), UserSvc.MIGRATIONS);
        userSvc = new UserSvc(userDatabase, userSettings, Clock.systemUTC(), ClientFactory.ofDefault());
        userSvc.bootstrapAdmin();
        userServer = start(userSvc::configureServices);

        ConfigSvcSettings base0 = ConfigSvcSettings.from(config).withDatabase(configDatabaseSettings);
        ConfigSvcSettings settings = base0.withEndpoints(base0.endpoints().withUserSvc(
                "127.0.0.1:" + userServer.activeLocalPort()));
        configDatabase = Database.open(settings.database(), ConfigSvc.MIGRATIONS);
        configSvc = new ConfigSvc(configDatabase, settings, ClientFactory.ofDefault(), Clock.systemUTC());
        configSvc.bootstrapDefaults();
        configServer = start(configSvc::configureServices);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        configServer.stop().join();
        userServer.stop().join();
        userSvc.close();
        configDatabase.close();
        userDatabase.close();
        TestDatabase.drop(configDatabaseSettings);
        TestDatabase.drop(userDatabaseSettings);
    }

    public int port() {
        return configServer.activeLocalPort();
    }

    public ConfigSvc configSvc() {
        return configSvc;
    }

    public Database database() {
        return configDatabase;
    }

    /** A fresh session of the first admin. */
    public String adminSession() {
        return userStub(SessionServiceBlockingStub.class)
                .login(LoginRequest.newBuilder().setUserName(ADMIN).setPassword(ADMIN_PASSWORD).build())
                .getSession().getSessionId();
    }

    /** Registers a plain user and returns their session. */
    public String userSession(String userName) {
        return userStub(UserServiceBlockingStub.class)
                .registerUser(RegisterUserRequest.newBuilder().setUserName(userName)
                                                 .setPassword("password-" + userName).build())
                .getSession().getSessionId();
    }

    /** The registry as the holder of {@code session} calls it; null = no session. */
    public MediaServerServiceBlockingStub servers(String session) {
        return stub(MediaServerServiceBlockingStub.class, Callers.SESSION_HEADER, session);
    }

    public ConfigServiceBlockingStub configs(String session) {
        return stub(ConfigServiceBlockingStub.class, Callers.SESSION_HEADER, session);
    }

    /** A stub calling as another mediamesh service (media-svc), with the shared service token. */
    public <T> T asService(Class<T> type) {
        return stub(type, Callers.SERVICE_TOKEN_HEADER, SERVICE_TOKEN);
    }

    private <T> T stub(Class<T> type, String header, String value) {
        var builder = GrpcClients.builder("http://127.0.0.1:" + port());
        if (value != null) {
            builder.setHeader(header, value);
        }
        return builder.build(type);
    }

    private <T> T userStub(Class<T> type) {
        return GrpcClients.newClient("http://127.0.0.1:" + userServer.activeLocalPort(), type);
    }

    private static Server start(Consumer<ServerBuilder> configure) {
        ServerBuilder sb = Server.builder().http(0);
        configure.accept(sb);
        Server server = sb.build();
        server.start().join();
        return server;
    }
}
