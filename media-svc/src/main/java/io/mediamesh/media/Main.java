package io.mediamesh.media;

import com.typesafe.config.Config;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import java.time.Clock;

/** Starts media-svc: reads the configuration, migrates its schema, serves on its port. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Config config = Configs.load();
        MediaSvcSettings settings = MediaSvcSettings.from(config);
        MeshTls tls = MeshTls.from(config, Identity.MEDIA_SVC);
        Database database = Database.open(settings.database(), MediaSvc.MIGRATIONS);
        MediaSvc mediaSvc = new MediaSvc(database, settings, tls, Clock.systemUTC());
        mediaSvc.sweepLeftovers();
        mediaSvc.startReconciling();
        mediaSvc.startSweepingUploads();
        mediaSvc.startConverting();
        ServiceServer.start("media-svc", settings.server(), tls, ServiceServer.MESH_CALLERS, MediaSvc.PLAIN_PATHS,
                            mediaSvc::configureServices, mediaSvc, database, tls);
    }
}
