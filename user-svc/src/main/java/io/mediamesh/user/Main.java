package io.mediamesh.user;

import com.typesafe.config.Config;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import java.time.Clock;
import java.util.List;

/** Starts user-svc: reads the configuration, migrates its schema, serves on its port. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Config config = Configs.load();
        UserSvcSettings settings = UserSvcSettings.from(config);
        MeshTls tls = MeshTls.from(config, Identity.USER_SVC);
        Database database = Database.open(settings.database(), UserSvc.MIGRATIONS);
        UserSvc userSvc = new UserSvc(database, settings, Clock.systemUTC(), tls);
        userSvc.bootstrapAdmin();
        ServiceServer.start("user-svc", settings.server(), tls, ServiceServer.MESH_CALLERS, List.of(),
                            userSvc::configureServices, userSvc, database, tls);
    }
}
