package io.mediamesh.user;

import com.typesafe.config.Config;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import java.time.Clock;

/** Starts user-svc: reads the configuration, migrates its schema, serves on its port until asked to exit. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Config config = Configs.load();
        UserSvcSettings settings = UserSvcSettings.from(config);
        MeshTls tls = MeshTls.from(config, Identity.USER_SVC);
        ServiceServer.closeOnExit(UserSvc.run(settings, tls, Clock.systemUTC()), tls);
    }
}
