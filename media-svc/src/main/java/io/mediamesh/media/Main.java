package io.mediamesh.media;

import com.linecorp.armeria.client.ClientFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.ServiceServer;
import java.time.Clock;

/** Starts media-svc: reads the configuration, migrates its schema, serves on its port. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        MediaSvcSettings settings = MediaSvcSettings.from(Configs.load());
        Database database = Database.open(settings.database(), MediaSvc.MIGRATIONS);
        MediaSvc mediaSvc = new MediaSvc(database, settings, ClientFactory.ofDefault(), Clock.systemUTC());
        mediaSvc.sweepLeftovers();
        mediaSvc.startReconciling();
        mediaSvc.startSweepingUploads();
        mediaSvc.startConverting();
        ServiceServer.start("media-svc", settings.server(), mediaSvc::configureServices, mediaSvc, database);
    }
}
