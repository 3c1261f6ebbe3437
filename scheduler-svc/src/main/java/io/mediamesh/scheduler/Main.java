package io.mediamesh.scheduler;

import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.ServerSettings;
import io.mediamesh.common.server.ServiceServer;

/** Starts scheduler-svc. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        ServerSettings server = ServerSettings.from(Configs.load().getConfig("mediamesh.scheduler-svc.server"));
        ServiceServer.start("scheduler-svc", server, new SchedulerSvc()::configureServices);
    }
}
