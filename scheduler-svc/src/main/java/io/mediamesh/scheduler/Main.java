package io.mediamesh.scheduler;

import com.typesafe.config.Config;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.server.BackgroundWork;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import java.time.Clock;

/** Starts scheduler-svc: reads the configuration, migrates its schema, serves on its port until asked to exit. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Config config = Configs.load();
        SchedulerSvcSettings settings = SchedulerSvcSettings.from(config);
        MeshTls tls = MeshTls.from(config, Identity.SCHEDULER_SVC);
        ServiceServer.closeOnExit(SchedulerSvc.run(settings, tls, Clock.systemUTC(), BackgroundWork.RUN), tls);
    }
}
