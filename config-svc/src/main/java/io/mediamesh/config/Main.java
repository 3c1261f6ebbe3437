package io.mediamesh.config;

import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.ServerSettings;
import io.mediamesh.common.server.ServiceServer;

/** Starts config-svc. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        ServerSettings server = ServerSettings.from(Configs.load().getConfig("mediamesh.config-svc.server"));
        ServiceServer.start("config-svc", server, new ConfigSvc()::configureServices);
    }
}
