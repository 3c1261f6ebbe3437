package io.mediamesh.scheduler;

import com.typesafe.config.Config;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.config.ServerSettings;
import io.mediamesh.common.config.ServiceEndpoints;
import io.mediamesh.scheduler.engine.EngineSettings;
import java.time.Duration;

/** scheduler-svc's configuration, from {@code mediamesh.scheduler-svc} (see reference.conf). */
public record SchedulerSvcSettings(ServerSettings server, DatabaseSettings database, ServiceEndpoints endpoints,
                                   Duration clientDeadline, Duration sessionCacheTtl,
                                   EngineSettings engine) {
    private static final String PATH = "mediamesh.scheduler-svc";

    public static SchedulerSvcSettings from(Config root) {
        Config c = root.getConfig(PATH);
        return new SchedulerSvcSettings(ServerSettings.from(c.getConfig("server")),
                                        DatabaseSettings.from(root, PATH + ".database"),
                                        ServiceEndpoints.from(root),
                                        root.getDuration("mediamesh.client.deadline"),
                                        root.getDuration("mediamesh.sessions.remote-cache-ttl"),
                                        EngineSettings.from(c));
    }

    public SchedulerSvcSettings withDatabase(DatabaseSettings otherDatabase) {
        return new SchedulerSvcSettings(server, otherDatabase, endpoints, clientDeadline, sessionCacheTtl, engine);
    }

    public SchedulerSvcSettings withEndpoints(ServiceEndpoints otherEndpoints) {
        return new SchedulerSvcSettings(server, database, otherEndpoints, clientDeadline, sessionCacheTtl, engine);
    }

    public SchedulerSvcSettings withEngine(EngineSettings otherEngine) {
        return new SchedulerSvcSettings(server, database, endpoints, clientDeadline, sessionCacheTtl, otherEngine);
    }

    @Override
    public String toString() {
        return "SchedulerSvcSettings[server=" + server + ", database=" + database + ", endpoints=" + endpoints +
               ", engine=" + engine + ']';
    }
}
