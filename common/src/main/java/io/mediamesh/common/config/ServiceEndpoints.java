package io.mediamesh.common.config;

import com.typesafe.config.Config;

/** Where each service listens for the others (host:port), from {@code mediamesh.endpoints}. */
public record ServiceEndpoints(String userSvc, String mediaSvc, String configSvc, String schedulerSvc) {
    public static ServiceEndpoints from(Config root) {
        Config c = root.getConfig("mediamesh.endpoints");
        return new ServiceEndpoints(c.getString("user-svc"), c.getString("media-svc"), c.getString("config-svc"),
                                    c.getString("scheduler-svc"));
    }

    public ServiceEndpoints withUserSvc(String endpoint) {
        return new ServiceEndpoints(endpoint, mediaSvc, configSvc, schedulerSvc);
    }

    public ServiceEndpoints withMediaSvc(String endpoint) {
        return new ServiceEndpoints(userSvc, endpoint, configSvc, schedulerSvc);
    }
}
