package io.mediamesh.gateway.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.BackgroundWork;
import io.mediamesh.common.testing.InJvmServices;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.gateway.Gateway;
import io.mediamesh.gateway.GatewaySettings;
import io.mediamesh.launcher.LocalMesh;
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
    private static final String SCHEDULER_SVC = "scheduler-svc";
    private static final String GATEWAY = "gateway";

    private final RoomMesh media = new RoomMesh();
    private final Map<String, Object> overrides = new HashMap<>(InJvmServices.SETTINGS);
    private final int filesPort = Mesh.freePort();
    private final LocalMesh mesh = LocalMesh.inThisJvm();
    private DatabaseSettings schedulerSchema;

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
        mesh.startTier(LocalMesh.Tier.inJvm(SCHEDULER_SVC, () -> InJvmServices.closingTls(
                Identity.SCHEDULER_SVC, tls -> SchedulerSvc.run(schedulerSettings, tls, Clock.systemUTC(),
                                                                BackgroundWork.OFF))));

        endpoints.put("mediamesh.endpoints.scheduler-svc", "127.0.0.1:" + mesh.running(SCHEDULER_SVC, 0).port());
        endpoints.put("mediamesh.gateway.management.port", Mesh.freePort());
        GatewaySettings gatewaySettings = GatewaySettings.from(config(endpoints));
        mesh.startTier(LocalMesh.Tier.inJvm(GATEWAY, () -> InJvmServices.closingTls(
                Identity.GATEWAY, tls -> Gateway.run(gatewaySettings, tls))));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        mesh.stop();
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
        return mesh.running(GATEWAY, 0).port();
    }

    /** The names of every schema of the mesh. */
    public List<String> schemas() {
        List<String> all = new ArrayList<>(media.schemas());
        all.add(schedulerSchema.schema());
        return all;
    }

    /** A database connection pool of the mesh (any schema can be read through it). */
    public Database database() {
        return mesh.running(SCHEDULER_SVC, 0).database();
    }

    private static Config config(Map<String, Object> values) {
        return ConfigFactory.parseMap(values).withFallback(Configs.load(Map.of()));
    }
}
