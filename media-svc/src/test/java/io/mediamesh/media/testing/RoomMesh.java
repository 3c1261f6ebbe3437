package io.mediamesh.media.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.mediamesh.api.v1.CoturnConfig;
import io.mediamesh.api.v1.CreateServerRequest;
import io.mediamesh.api.v1.GetConfigRequest;
import io.mediamesh.api.v1.JanusConfig;
import io.mediamesh.api.v1.LoginRequest;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.MediaServerServiceGrpc.MediaServerServiceBlockingStub;
import io.mediamesh.api.v1.NginxConfig;
import io.mediamesh.api.v1.PortRange;
import io.mediamesh.api.v1.PutConfigRequest;
import io.mediamesh.api.v1.RegisterUserRequest;
import io.mediamesh.api.v1.RenderConfigRequest;
import io.mediamesh.api.v1.ServerOverrides;
import io.mediamesh.api.v1.SessionServiceGrpc.SessionServiceBlockingStub;
import io.mediamesh.api.v1.UserServiceGrpc.UserServiceBlockingStub;
import io.mediamesh.api.v1.ValidateSessionRequest;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.BackgroundWork;
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
import io.mediamesh.media.MediaSvc;
import io.mediamesh.media.MediaSvcSettings;
import io.mediamesh.user.UserSvc;
import io.mediamesh.user.UserSvcSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * The real thing on loopback for one test class: user-svc (sessions), config-svc (the registry)
 * with an ORIGIN, a RELAY and an EDGE registered, one real Janus per server configured with the
 * secrets of config-svc's janus documents, and media-svc on a fixed port (Janus posts text room
 * messages and its plugins' events to it), which can be restarted as a new process would be. The
 * three services run in this JVM under {@link LocalMesh}, each started by its {@code run} as its Main
 * starts it; Janus, nginx and coturn run beside them as processes of their own.
 */
public final class RoomMesh implements BeforeAllCallback, AfterAllCallback {
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-password-1";
    private static final String USER_SVC = "user-svc";
    private static final String CONFIG_SVC = "config-svc";
    private static final String MEDIA_SVC = "media-svc";

    private final Map<String, Object> overrides = new HashMap<>(InJvmServices.SETTINGS);
    private final List<DatabaseSettings> schemas = new ArrayList<>();
    private final List<JanusInstance> janus = new ArrayList<>();
    private final List<MediaServer> servers = new ArrayList<>();
    private Path dir;
    private LocalMesh mesh;
    private MeshTls asMediaSvc;
    private DatabaseSettings mediaSchema;
    private int mediaPort;
    private int edges = 1;
    private boolean browserMedia;
    private boolean withNginx;
    private boolean turnRelays;
    private MediaNamespace namespace;
    private final Map<Long, NginxInstance> nginx = new HashMap<>();
    private final Map<Long, CoturnInstance> coturn = new HashMap<>();

    public RoomMesh() {
        overrides.put("mediamesh.user-svc.admin.password", ADMIN_PASSWORD);
        overrides.put("mediamesh.user-svc.passwords.argon2-memory-kib", 1024);
        overrides.put("mediamesh.user-svc.passwords.argon2-iterations", 1);
        overrides.put("mediamesh.media-svc.rooms.janus-deadline", "1s");
        // The registry is re-read quickly, so tests that change it see the change.
        overrides.put("mediamesh.media-svc.rooms.server-cache-ttl", "200ms");
        // A Janus restarted by a test gets its streams back quickly.
        overrides.put("mediamesh.media-svc.streams.reconcile-interval", "500ms");
        // The servers registered here run Janus without a config agent: config-svc's periodic agent
        // check would mark them UNHEALTHY, and media-svc would stop choosing them.
        overrides.put("mediamesh.config-svc.health-check.interval", "1h");
    }

    /** Registers {@code count} edges (named edge, edge2, ...) in the relay's group instead of one. */
    public RoomMesh withEdges(int count) {
        this.edges = count;
        return this;
    }

    /**
     * Gives every Janus an ICE address a browser on this machine reaches ({@link MediaNamespace}, which
     * needs root), and runs each server's nginx as {@link #withNginx()} does, since clients are
     * handed nginx's Janus URL.
     */
    public RoomMesh withBrowserMedia() {
        this.browserMedia = true;
        return withNginx();
    }

    /**
     * As {@link #withBrowserMedia()}, and runs a real coturn per server from the file config-svc
     * renders for it, so that the TURN credentials media-svc issues per join work. It listens on the
     * server's 127.0.0.1 at the port of the server's overrides. The role documents are changed first
     * so that it relays from Janus's ICE address ({@code relay_ips}, {@code external_ip}: Janus's ICE
     * agent never answers connectivity checks from a loopback relay address) and to that address only
     * (every other peer denied), with a verbose log naming each request's user.
     */
    public RoomMesh withTurnRelays() {
        this.turnRelays = true;
        return withBrowserMedia();
    }

    /**
     * Runs a real nginx per server from the file config-svc renders for it (the role's document made
     * to listen on loopback only): it proxies clients to Janus and serves signed recordings.
     */
    public RoomMesh withNginx() {
        this.withNginx = true;
        return this;
    }

    /** Sets a configuration value of every service of the mesh (before it starts). */
    public RoomMesh with(String path, Object value) {
        overrides.put(path, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String base = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
        // Readable by all: nginx's workers (nobody, when the tests run as root) serve the recordings below it.
        dir = Files.createTempDirectory("mediamesh-janus-",
                                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Config config = ConfigFactory.parseMap(overrides).withFallback(Configs.load(Map.of()));
        DatabaseSettings userSchema = schema(base + "_u");
        DatabaseSettings configSchema = schema(base + "_c");
        mediaSchema = schema(base + "_m");
        mesh = LocalMesh.inThisJvm();
        mesh.startTier(LocalMesh.Tier.inJvm(USER_SVC, () -> {
            UserSvcSettings settings = UserSvcSettings.from(config).withDatabase(userSchema);
            return InJvmServices.closingTls(Identity.USER_SVC, tls -> UserSvc.run(settings, tls, Clock.systemUTC()));
        }));
        mesh.startTier(LocalMesh.Tier.inJvm(CONFIG_SVC, () -> {
            ConfigSvcSettings configBase = ConfigSvcSettings.from(config).withDatabase(configSchema);
            ConfigSvcSettings settings = configBase.withEndpoints(configBase.endpoints().withUserSvc(userEndpoint()));
            return InJvmServices.closingTls(Identity.CONFIG_SVC, tls -> ConfigSvc.run(settings, tls, Clock.systemUTC()));
        }));
        // What media-svc reads on its own (the Janus secrets), read as media-svc.
        asMediaSvc = TestMeshCa.tls(Identity.MEDIA_SVC);

        String admin = adminSession();
        if (browserMedia) {
            namespace = MediaNamespace.create();
        }
        // Fixed before the Janus instances start: they post their events to media-svc.
        mediaPort = JanusInstance.freePort();
        List<MediaServerRole> roles = new ArrayList<>(List.of(MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN,
                                                              MediaServerRole.MEDIA_SERVER_ROLE_RELAY));
        for (int i = 0; i < edges; i++) {
            roles.add(MediaServerRole.MEDIA_SERVER_ROLE_EDGE);
        }
        for (MediaServerRole role : roles) {
            JanusConfig doc = janusConfig(role);
            String roleName = role.name().substring("MEDIA_SERVER_ROLE_".length()).toLowerCase(Locale.ROOT);
            long sameRole = servers.stream().filter(s -> s.getRole() == role).count();
            String name = sameRole == 0 ? roleName : roleName + (sameRole + 1);
            JanusInstance instance = new JanusInstance(dir, name, new JanusInstance.Secrets(
                    doc.getGeneral().getAdminSecret(), doc.getVideoroom().getAdminKey(),
                    doc.getTextroom().getAdminKey(), doc.getStreaming().getAdminKey()));
            MediaServer registered = registry(admin).createServer(CreateServerRequest.newBuilder().setServer(
                    MediaServer.newBuilder().setName(name).setRole(role).setPublicAddress("127.0.0.1")
                               .setInternalAddress("127.0.0.1")
                               .setRelayGroup(role == MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN ? "" : "g1")
                               .setAgentEndpoint("127.0.0.1:" + JanusInstance.freePort()).setEnabled(true)
                               .setOverrides(ServerOverrides.newBuilder().setJanusHttpPort(instance.httpPort())
                                                            .setJanusAdminPort(instance.adminPort())
                                                            .setNginxListenPort(JanusInstance.freePort())
                                                            .setCoturnListeningPort(JanusInstance.freePort())
                                                            .setStreamingRtpPortRange(PortRange.newBuilder()
                                                                    .setMin(instance.streamingPorts().min())
                                                                    .setMax(instance.streamingPorts().max()))
                                                            .setJanusRecDir(instance.recordings().toString())))
                    .build()).getServer();
            if (namespace != null) {
                instance.withIce(namespace);
            }
            janus.add(instance.withEventsBackend("http://127.0.0.1:" + mediaPort + "/janus/events/" +
                                                 registered.getId() + '/' + doc.getEvents().getToken()).start());
            servers.add(registered);
        }

        if (withNginx) {
            servers.forEach(server -> nginx.put(server.getId(), startNginx(admin, server)));
        }
        if (turnRelays) {
            relayToJanusOnly(admin);
            servers.forEach(server -> coturn.put(server.getId(), startCoturn(admin, server)));
        }
        mesh.startTier(LocalMesh.Tier.inJvm(MEDIA_SVC, this::runMediaSvc));
    }

    private NginxInstance startNginx(String admin, MediaServer server) {
        ConfigServiceBlockingStub configs = configs(admin);
        NginxConfig doc = configs.getConfig(GetConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                                                            .setRole(server.getRole()).build())
                                 .getRevision().getDocument().getNginx();
        if (!doc.getListen(0).getAddress().equals("127.0.0.1")) {
            configs.putConfig(PutConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                    .setRole(server.getRole()).setMessage("loopback for the test")
                    .setDocument(ConfigDocument.newBuilder().setNginx(
                            doc.toBuilder().setListen(0, doc.getListen(0).toBuilder().setAddress("127.0.0.1"))))
                    .build());
        }
        String conf = configs.renderConfig(RenderConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                                                              .setServerId(server.getId()).build())
                             .getFiles(0).getContent().toStringUtf8();
        assertThat(conf).contains("autoindex_format json;", "secure_link $arg_md5,$arg_expires;");
        return new NginxInstance(dir.resolve("nginx-" + server.getName()), conf,
                                 server.getOverrides().getNginxListenPort()).start();
    }

    /** Makes each role's coturn document relay from and to Janus's veth address only, verbosely logged. */
    private void relayToJanusOnly(String admin) {
        ConfigServiceBlockingStub configs = configs(admin);
        servers.stream().map(MediaServer::getRole).distinct().forEach(role -> {
            CoturnConfig doc = configs.getConfig(GetConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_COTURN)
                                                                 .setRole(role).build())
                                      .getRevision().getDocument().getCoturn();
            // allowed-peer-ip wins over denied-peer-ip in coturn; loopback peers are refused anyway.
            configs.putConfig(PutConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_COTURN).setRole(role)
                    .setMessage("relay to the test's Janus only")
                    .setDocument(ConfigDocument.newBuilder().setCoturn(
                            doc.toBuilder().clearDeniedPeerIps().addDeniedPeerIps("0.0.0.0-255.255.255.255")
                               .clearAllowedPeerIps().addAllowedPeerIps(namespace.hostAddress())
                               .clearRelayIps().addRelayIps(namespace.hostAddress())
                               .setExternalIp(namespace.hostAddress()).setVerbose(true)))
                    .build());
        });
    }

    private CoturnInstance startCoturn(String admin, MediaServer server) {
        String conf = configs(admin).renderConfig(RenderConfigRequest.newBuilder()
                                                                     .setKind(ConfigKind.CONFIG_KIND_COTURN)
                                                                     .setServerId(server.getId()).build())
                                    .getFiles(0).getContent().toStringUtf8();
        assertThat(conf).contains("listening-ip=127.0.0.1\n", "relay-ip=" + namespace.hostAddress() + '\n',
                                  "allowed-peer-ip=" + namespace.hostAddress() + '\n');
        return CoturnInstance.run(dir.resolve("coturn-" + server.getName()),
                                  server.getOverrides().getCoturnListeningPort(), conf);
    }

    /** Where every Janus offers its ICE candidates (with {@link #withBrowserMedia()}). */
    public String iceAddress() {
        return namespace.hostAddress();
    }

    /** The coturn of the registered server {@code serverId} (with {@link #withTurnRelays()}). */
    public CoturnInstance coturnOf(long serverId) {
        return coturn.get(serverId);
    }

    /** The nginx of the registered server {@code serverId} (with {@link #withNginx()}). */
    public NginxInstance nginxOf(long serverId) {
        return nginx.get(serverId);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        mesh.stop();
        janus.forEach(JanusInstance::close);
        nginx.values().forEach(NginxInstance::close);
        coturn.values().forEach(CoturnInstance::close);
        if (namespace != null) {
            namespace.close();
        }
        asMediaSvc.close();
        for (DatabaseSettings schema : schemas) {
            TestDatabase.drop(schema);
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * media-svc on its port as Main starts it, background work and all: a new instance with fresh caches
     * and Janus sessions, same schema.
     */
    private RunningService<MediaSvc> runMediaSvc() throws Exception {
        Map<String, Object> media = new HashMap<>(overrides);
        media.put("mediamesh.endpoints.user-svc", userEndpoint());
        media.put("mediamesh.endpoints.config-svc", configEndpoint());
        media.put("mediamesh.media-svc.server.port", mediaPort);
        media.put("mediamesh.media-svc.rooms.post-base-url", "http://127.0.0.1:" + mediaPort);
        media.put("mediamesh.media-svc.files.root", dir.resolve("videos").toString());
        // Any free port unless the test names one: tests run beside each other and beside a developer's mesh.
        media.putIfAbsent("mediamesh.media-svc.file-server.port", 0);
        MediaSvcSettings settings = MediaSvcSettings.from(
                ConfigFactory.parseMap(media).withFallback(Configs.load(Map.of()))).withDatabase(mediaSchema);
        return InJvmServices.closingTls(Identity.MEDIA_SVC, tls -> MediaSvc.run(settings, tls, Clock.systemUTC(),
                BackgroundWork.RUN));
    }

    /** Starts media-svc again after {@link #stopMediaSvc}, on its port, and waits until it is ready. */
    public void startMediaSvc() {
        try {
            mesh.start(MEDIA_SVC, 0);
        } catch (IOException | MeshStartException e) {
            throw new IllegalStateException("media-svc did not start again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while media-svc started again", e);
        }
    }

    /** Stops media-svc as an operator would (it drains) until {@link #startMediaSvc}. */
    public void stopMediaSvc() {
        mesh.stop(MEDIA_SVC, 0);
    }

    public void restartMediaSvc() {
        stopMediaSvc();
        startMediaSvc();
    }

    /**
     * Restarts media-svc, changing its schema with {@code whileStopped} when none runs: to leave what
     * a process killed mid-work would have left, which a graceful stop tidies up.
     */
    public void restartMediaSvc(Consumer<DSLContext> whileStopped) {
        stopMediaSvc();
        try (Database database = Database.open(mediaSchema, MediaSvc.MIGRATIONS)) {
            whileStopped.accept(database.dsl());
        }
        startMediaSvc();
    }

    public String mediaEndpoint() {
        return "127.0.0.1:" + mediaPort;
    }

    /**
     * An HTTP client for media-svc's HTTP routes (/metrics, the post backends). HTTP/1.1: the JDK
     * client's h2c upgrade, its default, is now and then answered in a way it cannot read.
     */
    public static HttpClient http() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    /** media-svc's /metrics, as text (read over the mesh's TLS, as an operator). */
    public String mediaMetrics() {
        return TestMeshCa.web(mediaPort).get("/metrics").contentUtf8();
    }

    /** media-svc's file server port (playback with Range), once started. */
    public int fileServerPort() {
        return ((MediaSvc) mesh.running(MEDIA_SVC, 0).service()).fileServerPort();
    }

    public String userEndpoint() {
        return "127.0.0.1:" + userSvcPort();
    }

    public String configEndpoint() {
        return "127.0.0.1:" + configSvcPort();
    }

    /** media-svc's database, while it runs. */
    public Database mediaDatabase() {
        return mesh.running(MEDIA_SVC, 0).database();
    }

    private int userSvcPort() {
        return mesh.running(USER_SVC, 0).port();
    }

    private int configSvcPort() {
        return mesh.running(CONFIG_SVC, 0).port();
    }

    /** The Janus of the registered server {@code serverId}. */
    public JanusInstance janusOf(long serverId) {
        for (int i = 0; i < servers.size(); i++) {
            if (servers.get(i).getId() == serverId) {
                return janus.get(i);
            }
        }
        throw new IllegalArgumentException("No server " + serverId);
    }

    public List<MediaServer> servers() {
        return servers;
    }

    /** The admin API secret and plugin admin keys of a server's Janus (for checks through Janus itself). */
    public JanusConfig janusConfig(MediaServerRole role) {
        return TestMeshCa.grpc(asMediaSvc, configSvcPort()).build(ConfigServiceBlockingStub.class)
                .getConfig(GetConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_JANUS).setRole(role).build())
                .getRevision().getDocument().getJanus();
    }

    public String adminSession() {
        return stub(SessionServiceBlockingStub.class, null, null, userSvcPort())
                .login(LoginRequest.newBuilder().setUserName(ADMIN).setPassword(ADMIN_PASSWORD).build())
                .getSession().getSessionId();
    }

    /** Registers a plain user and returns their session. */
    public String userSession(String userName) {
        return stub(UserServiceBlockingStub.class, null, null, userSvcPort())
                .registerUser(RegisterUserRequest.newBuilder().setUserName(userName)
                                                 .setPassword("password-" + userName).build())
                .getSession().getSessionId();
    }

    /** The id of the user holding {@code session}. */
    public long userId(String session) {
        return stub(SessionServiceBlockingStub.class, null, null, userSvcPort())
                .validateSession(ValidateSessionRequest.newBuilder().setSessionId(session).build())
                .getPrincipal().getUserId();
    }

    /** The names of the mesh's schemas (user-svc's, config-svc's, media-svc's), dropped after the test class. */
    public List<String> schemas() {
        return schemas.stream().map(DatabaseSettings::schema).toList();
    }

    /** The folder of this mesh's files, removed after the test class. */
    public Path dir() {
        return dir;
    }

    public ConfigServiceBlockingStub configs(String session) {
        return stub(ConfigServiceBlockingStub.class, Callers.SESSION_HEADER, session, configSvcPort());
    }

    public MediaServerServiceBlockingStub registry(String session) {
        return stub(MediaServerServiceBlockingStub.class, Callers.SESSION_HEADER, session, configSvcPort());
    }

    /** A media-svc stub calling as the holder of {@code session}; null = no session. */
    public <T> T media(Class<T> type, String session) {
        return stub(type, Callers.SESSION_HEADER, session, mediaPort);
    }

    /** A stub of the mesh port {@code port} as an operator, carrying {@code value} in {@code header} if not null. */
    private static <T> T stub(Class<T> type, String header, String value, int port) {
        var builder = TestMeshCa.grpc(port);
        if (value != null) {
            builder.setHeader(header, value);
        }
        return builder.build(type);
    }

    private DatabaseSettings schema(String name) {
        DatabaseSettings settings = TestDatabase.settingsFor(name);
        schemas.add(settings);
        return settings;
    }
}
