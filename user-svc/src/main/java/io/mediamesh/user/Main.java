package io.mediamesh.user;

import com.linecorp.armeria.client.ClientFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.ServiceServer;
import java.time.Clock;

/** Starts user-svc: reads the configuration, migrates its schema, serves on its port. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        UserSvcSettings settings = UserSvcSettings.from(Configs.load());
        Database database = Database.open(settings.database(), UserSvc.MIGRATIONS);
        UserSvc userSvc = new UserSvc(database, settings, Clock.systemUTC(), ClientFactory.ofDefault());
        userSvc.bootstrapAdmin();
        ServiceServer.start("user-svc", settings.server(), userSvc::configureServices, userSvc, database);
    }
}
