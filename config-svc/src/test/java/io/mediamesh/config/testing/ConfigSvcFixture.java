package io.mediamesh.config.testing;

import com.linecorp.armeria.server.Server;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.api.v1.ApplyServiceGrpc.ApplyServiceBlockingStub;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.mediamesh.api.v1.CreateServerRequest;
import io.mediamesh.api.v1.GetConfigRequest;
import io.mediamesh.api.v1.LoginRequest;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.MediaServerServiceGrpc.MediaServerServiceBlockingStub;
import io.mediamesh.api.v1.NginxConfig;
import io.mediamesh.api.v1.RegisterUserRequest;
import io.mediamesh.api.v1.SessionServiceGrpc.SessionServiceBlockingStub;
import io.mediamesh.api.v1.UserServiceGrpc.UserServiceBlockingStub;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.RunningService;
import io.mediamesh.common.testing.InJvmServices;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.config.ConfigSvc;
import io.mediamesh.config.ConfigSvcSettings;
import io.mediamesh.launcher.LocalMesh;
import io.mediamesh.launcher.MeshStartException;
import io.mediamesh.user.UserSvc;
import io.mediamesh.user.UserSvcSettings;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real thing on loopback for one test class: user-svc (sessions) and config-svc, each on its
 * own schema of the real MariaDB, talking real gRPC over the mesh's TLS (certificates of the test
 * CA); stubs carry a session like any client, and call as an operator's tool unless said otherwise.
 */
public final class ConfigSvcFixture implements BeforeAllCallback, AfterAllCallback {
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-password-1";
    private static final String USER_SVC = "user-svc";
    private static final String CONFIG_SVC = "config-svc";

    private final Map<String, Object> overrides = new HashMap<>(InJvmServices.SETTINGS);
    private DatabaseSettings userDatabaseSettings;
    private DatabaseSettings configDatabaseSettings;
    private LocalMesh mesh;
    private MeshTls mediaTls;
    private Config config;

    public ConfigSvcFixture() {
        overrides.put("mediamesh.user-svc.admin.password", ADMIN_PASSWORD);
        overrides.put("mediamesh.user-svc.passwords.argon2-memory-kib", 1024);
        overrides.put("mediamesh.user-svc.passwords.argon2-iterations", 1);
        // Long enough for coturn to read its file and complain; keeps the suite quick.
        overrides.put("mediamesh.config-svc.validation.coturn-trial", "1s");
        // No periodic agent checks unless a test asks (with()): they would change statuses under it.
        overrides.put("mediamesh.config-svc.health-check.interval", "1h");
    }

    /** Overrides one configuration key (e.g. the health check's interval) before the services start. */
    public ConfigSvcFixture with(String path, Object value) {
        overrides.put(path, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start(context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT));
    }

    /** Starts both services on schemas of their own named after {@code base} (outside JUnit: a benchmark). */
    public void start(String base) throws MeshStartException, InterruptedException {
        userDatabaseSettings = TestDatabase.settingsFor(base + "_u");
        configDatabaseSettings = TestDatabase.settingsFor(base + "_c");
        config = ConfigFactory.parseMap(overrides).withFallback(Configs.load(Map.of()));
        mediaTls = TestMeshCa.tls(Identity.MEDIA_SVC);
        mesh = LocalMesh.inThisJvm();
        mesh.startTier(LocalMesh.Tier.inJvm(USER_SVC, () -> runUserSvc(config, userDatabaseSettings)));
        mesh.startTier(LocalMesh.Tier.inJvm(CONFIG_SVC, () -> startConfigSvc(Map.of())));
    }

    /**
     * user-svc as Main starts it, as {@code config} says, on the schema of {@code database}, with a certificate
     * of the test CA; for the fixtures of the services that call it.
     */
    public static RunningService<UserSvc> runUserSvc(Config config, DatabaseSettings database) throws Exception {
        UserSvcSettings settings = UserSvcSettings.from(config).withDatabase(database);
        return InJvmServices.closingTls(Identity.USER_SVC, tls -> UserSvc.run(settings, tls, Clock.systemUTC()));
    }

    /** config-svc on this fixture's schema and user-svc, as Main starts one; {@code replicaOverrides} win. */
    private RunningService<ConfigSvc> startConfigSvc(Map<String, Object> replicaOverrides) throws Exception {
        ConfigSvcSettings base = ConfigSvcSettings.from(ConfigFactory.parseMap(replicaOverrides).withFallback(config))
                                                  .withDatabase(configDatabaseSettings);
        ConfigSvcSettings settings = base.withEndpoints(base.endpoints().withUserSvc("127.0.0.1:" + userSvcPort()));
        return InJvmServices.closingTls(Identity.CONFIG_SVC, tls -> ConfigSvc.run(settings, tls, Clock.systemUTC()));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
    }

    /** Stops both services (config-svc first) and drops their schemas. */
    public void stop() throws Exception {
        mesh.stop();
        mediaTls.close();
        TestDatabase.drop(configDatabaseSettings);
        TestDatabase.drop(userDatabaseSettings);
    }

    public int port() {
        return mesh.running(CONFIG_SVC, 0).port();
    }

    /**
     * Starts another config-svc replica in this JVM on the same schema and user-svc, as Main
     * starts one (the interrupted applies it finds are ended first); {@code overrides} win over
     * this fixture's settings. The caller closes it.
     */
    public Replica startReplica(Map<String, Object> overrides) throws Exception {
        return new Replica(startConfigSvc(overrides));
    }

    /** A config-svc replica of {@link #startReplica}. */
    public record Replica(RunningService<ConfigSvc> running) implements AutoCloseable {
        public int port() {
            return running.port();
        }

        public Server server() {
            return running.server();
        }

        /** Stops it as Main's shutdown does: serving first, then its applies (which roll back). */
        @Override
        public void close() {
            running.close();
        }
    }

    /** config-svc's schema and account, for a replica in a process of its own. */
    public DatabaseSettings configDatabaseSettings() {
        return configDatabaseSettings;
    }

    public int userSvcPort() {
        return mesh.running(USER_SVC, 0).port();
    }

    public ConfigSvc configSvc() {
        return mesh.running(CONFIG_SVC, 0).as(ConfigSvc.class).service();
    }

    /** config-svc's database. */
    public Database database() {
        return mesh.running(CONFIG_SVC, 0).database();
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

    /**
     * Registers each agent's server on loopback as an admin: an origin when its name starts with
     * "origin", else an edge.
     */
    public void registerServers(List<AgentProcess> agents, String adminSession) {
        for (AgentProcess agent : agents) {
            MediaServerRole role = agent.serverName().startsWith("origin") ? MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN
                                                                           : MediaServerRole.MEDIA_SERVER_ROLE_EDGE;
            servers(adminSession).createServer(CreateServerRequest.newBuilder().setServer(
                    Servers.loopback(agent.serverName(), role).setAgentEndpoint(agent.endpoint())).build());
        }
    }

    /** The current nginx document of {@code role}. */
    public NginxConfig nginxDocument(String adminSession, MediaServerRole role) {
        return configs(adminSession).getConfig(GetConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                                                                 .setRole(role).build())
                                    .getRevision().getDocument().getNginx();
    }

    /** ApplyService's unary methods (records, control) as the holder of {@code session} calls them. */
    public ApplyServiceBlockingStub applies(String session) {
        return stub(ApplyServiceBlockingStub.class, Callers.SESSION_HEADER, session);
    }

    /** A stub calling as media-svc on its own behalf (its certificate, no session). */
    public <T> T asService(Class<T> type) {
        return TestMeshCa.grpc(mediaTls, port()).build(type);
    }

    private <T> T stub(Class<T> type, String header, String value) {
        var builder = TestMeshCa.grpc(port());
        if (value != null) {
            builder.setHeader(header, value);
        }
        return builder.build(type);
    }

    private <T> T userStub(Class<T> type) {
        return TestMeshCa.grpc(userSvcPort()).build(type);
    }
}
