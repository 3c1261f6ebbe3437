package io.mediamesh.media;

import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.ServerSettings;
import io.mediamesh.common.server.ServiceServer;

/** Starts media-svc. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        ServerSettings server = ServerSettings.from(Configs.load().getConfig("mediamesh.media-svc.server"));
        ServiceServer.start("media-svc", server, new MediaSvc()::configureServices);
    }
}
