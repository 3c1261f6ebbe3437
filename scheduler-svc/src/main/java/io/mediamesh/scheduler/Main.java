package io.mediamesh.scheduler;

import com.linecorp.armeria.client.ClientFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.ServiceServer;
import java.time.Clock;

/** Starts scheduler-svc: reads the configuration, migrates its schema, serves on its port, runs tasks. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        SchedulerSvcSettings settings = SchedulerSvcSettings.from(Configs.load());
        Database database = Database.open(settings.database(), SchedulerSvc.MIGRATIONS);
        SchedulerSvc schedulerSvc = new SchedulerSvc(database, settings, ClientFactory.ofDefault(), Clock.systemUTC());
        // On exit the server stops first, then the engine finishes or hands back its tasks, then the pool closes.
        ServiceServer.start("scheduler-svc", settings.server(), schedulerSvc::configureServices, schedulerSvc,
                            database);
        schedulerSvc.startEngine();
    }
}
