package io.mediamesh.config;

import com.typesafe.config.Config;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.config.ServerSettings;
import io.mediamesh.common.config.ServiceEndpoints;
import io.mediamesh.config.apply.ApplySettings;
import io.mediamesh.config.validate.ValidationTools;
import java.time.Duration;

/** config-svc's configuration, from {@code mediamesh.config-svc} and the shared blocks (see reference.conf). */
public record ConfigSvcSettings(ServerSettings server, DatabaseSettings database, ServiceEndpoints endpoints,
                                Duration clientDeadline, Duration sessionCacheTtl,
                                ValidationTools validation, ApplySettings apply) {
    private static final String PATH = "mediamesh.config-svc";

    public static ConfigSvcSettings from(Config root) {
        Config c = root.getConfig(PATH);
        return new ConfigSvcSettings(ServerSettings.from(c.getConfig("server")),
                                     DatabaseSettings.from(root, PATH + ".database"),
                                     ServiceEndpoints.from(root),
                                     root.getDuration("mediamesh.client.deadline"),
                                     root.getDuration("mediamesh.sessions.remote-cache-ttl"),
                                     ValidationTools.from(c.getConfig("validation")),
                                     ApplySettings.from(c));
    }

    public ConfigSvcSettings withDatabase(DatabaseSettings otherDatabase) {
        return new ConfigSvcSettings(server, otherDatabase, endpoints, clientDeadline, sessionCacheTtl,
                                     validation, apply);
    }

    public ConfigSvcSettings withEndpoints(ServiceEndpoints otherEndpoints) {
        return new ConfigSvcSettings(server, database, otherEndpoints, clientDeadline, sessionCacheTtl,
                                     validation, apply);
    }

    @Override
    public String toString() {
        return "ConfigSvcSettings[server=" + server + ", database=" + database + ", endpoints=" + endpoints + ']';
    }
}
