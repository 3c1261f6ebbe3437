package io.mediamesh.config;

import com.linecorp.armeria.client.ClientFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.ServiceServer;
import java.time.Clock;

/** Starts config-svc: reads the configuration, migrates its schema, writes missing defaults, serves. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        ConfigSvcSettings settings = ConfigSvcSettings.from(Configs.load());
        Database database = Database.open(settings.database(), ConfigSvc.MIGRATIONS);
        ConfigSvc configSvc = new ConfigSvc(database, settings, ClientFactory.ofDefault(), Clock.systemUTC());
        configSvc.bootstrapDefaults();
        ServiceServer.start("config-svc", settings.server(), configSvc::configureServices, database);
    }
}
