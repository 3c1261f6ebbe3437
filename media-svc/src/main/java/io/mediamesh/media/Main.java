package io.mediamesh.media;

import com.linecorp.armeria.client.ClientFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.server.ServiceServer;
import java.time.Clock;

/** Starts media-svc. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        MediaSvcSettings settings = MediaSvcSettings.from(Configs.load());
        MediaSvc mediaSvc = new MediaSvc(settings, ClientFactory.ofDefault(), Clock.systemUTC());
        mediaSvc.sweepLeftovers();
        ServiceServer.start("media-svc", settings.server(), mediaSvc::configureServices);
    }
}
