package io.mediamesh.config;

import com.typesafe.config.Config;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import java.time.Clock;
import java.util.List;

/** Starts config-svc: reads the configuration, migrates its schema, writes missing defaults, serves. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Config config = Configs.load();
        ConfigSvcSettings settings = ConfigSvcSettings.from(config);
        MeshTls tls = MeshTls.from(config, Identity.CONFIG_SVC);
        Database database = Database.open(settings.database(), ConfigSvc.MIGRATIONS);
        ConfigSvc configSvc = new ConfigSvc(database, settings, tls, Clock.systemUTC());
        configSvc.bootstrapDefaults();
        configSvc.abandonInterruptedApplies();
        ServiceServer.start("config-svc", settings.server(), tls, ServiceServer.MESH_CALLERS, List.of(),
                            configSvc::configureServices, configSvc, database, tls);
    }
}
