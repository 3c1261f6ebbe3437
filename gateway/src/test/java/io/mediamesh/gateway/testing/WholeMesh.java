package io.mediamesh.gateway.testing;

import com.linecorp.armeria.server.Server;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.gateway.Gateway;
import io.mediamesh.gateway.GatewaySettings;
import io.mediamesh.media.testing.RoomMesh;
import io.mediamesh.scheduler.SchedulerSvc;
import io.mediamesh.scheduler.SchedulerSvcSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Every service behind the gateway on loopback for one test class, media plane included: a
 * {@link RoomMesh} (user-svc, config-svc, media-svc with its file server, one real Janus per
 * registered server), scheduler-svc (its engine off, so tasks stay as scheduled) and the gateway
 * in front of them all.
 */
public final class WholeMesh implements BeforeAllCallback, AfterAllCallback {
    private final RoomMesh media = new RoomMesh();
    private final Map<String, Object> overrides = new HashMap<>();
    private final int filesPort = Mesh.freePort();
    private DatabaseSettings schedulerSchema;
    private Database schedulerDatabase;
    private SchedulerSvc schedulerSvc;
    private Server scheduler;
    private Gateway gateway;
    private Server gatewayServer;
    private MeshTls gatewayTls;
    private MeshTls schedulerTls;

    public WholeMesh() {
        with("mediamesh.media-svc.file-server.port", filesPort);
    }

    /** Sets a configuration value of every service of the mesh and of the gateway (before they start). */
    public WholeMesh with(String path, Object value) {
        media.with(path, value);
        overrides.put(path, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        media.beforeAll(context);
        Map<String, Object> endpoints = new HashMap<>(overrides);
        endpoints.put("mediamesh.endpoints.user-svc", media.userEndpoint());
        endpoints.put("mediamesh.endpoints.media-svc", media.mediaEndpoint());
        endpoints.put("mediamesh.endpoints.config-svc", media.configEndpoint());
        endpoints.put("mediamesh.endpoints.media-files", "127.0.0.1:" + filesPort);

        schedulerSchema = TestDatabase.settingsFor(
                context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT) + "_s");
        SchedulerSvcSettings schedulerSettings = SchedulerSvcSettings.from(config(endpoints))
                                                                     .withDatabase(schedulerSchema);
        schedulerDatabase = Database.open(schedulerSchema, SchedulerSvc.MIGRATIONS);
        schedulerTls = TestMeshCa.tls(Identity.SCHEDULER_SVC);
        schedulerSvc = new SchedulerSvc(schedulerDatabase, schedulerSettings, schedulerTls, Clock.systemUTC());
        var sb = TestMeshCa.listen(Server.builder(), schedulerTls, 0, List.of());
        schedulerSvc.configureServices(sb);
        scheduler = sb.build();
        scheduler.start().join();

        endpoints.put("mediamesh.endpoints.scheduler-svc", "127.0.0.1:" + scheduler.activeLocalPort());
        endpoints.put("mediamesh.gateway.management.port", Mesh.freePort());
        gatewayTls = TestMeshCa.tls(Identity.GATEWAY);
        gateway = new Gateway(GatewaySettings.from(config(endpoints)), gatewayTls);
        var gb = Server.builder().http(0);
        gateway.configureServices(gb);
        gatewayServer = gb.build();
        gatewayServer.start().join();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        gatewayServer.stop().join();
        gateway.close();
        gatewayTls.close();
        scheduler.stop().join();
        schedulerSvc.close();
        schedulerTls.close();
        schedulerDatabase.close();
        TestDatabase.drop(schedulerSchema);
        media.afterAll(context);
    }

    /** user-svc, config-svc, media-svc and the rest of the media plane. */
    public RoomMesh media() {
        return media;
    }

    public Rest rest() {
        return new Rest(gatewayUri());
    }

    public String gatewayUri() {
        return "http://127.0.0.1:" + gatewayPort();
    }

    public int gatewayPort() {
        return gatewayServer.activeLocalPort();
    }

    /** The names of every schema of the mesh. */
    public List<String> schemas() {
        List<String> all = new ArrayList<>(media.schemas());
        all.add(schedulerSchema.schema());
        return all;
    }

    /** A database connection pool of the mesh (any schema can be read through it). */
    public Database database() {
        return schedulerDatabase;
    }

    private static Config config(Map<String, Object> values) {
        return ConfigFactory.parseMap(values).withFallback(Configs.load(Map.of()));
    }
}
