package io.mediamesh.scheduler;

import com.typesafe.config.Config;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import java.time.Clock;
import java.util.List;

/** Starts scheduler-svc: reads the configuration, migrates its schema, serves on its port, runs tasks. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Config config = Configs.load();
        SchedulerSvcSettings settings = SchedulerSvcSettings.from(config);
        MeshTls tls = MeshTls.from(config, Identity.SCHEDULER_SVC);
        Database database = Database.open(settings.database(), SchedulerSvc.MIGRATIONS);
        SchedulerSvc schedulerSvc = new SchedulerSvc(database, settings, tls, Clock.systemUTC());
        // On exit the server stops first, then the engine finishes or hands back its tasks, then the pool closes.
        ServiceServer.start("scheduler-svc", settings.server(), tls, ServiceServer.MESH_CALLERS, List.of(),
                            schedulerSvc::configureServices, schedulerSvc, database, tls);
        schedulerSvc.startEngine();
    }
}
