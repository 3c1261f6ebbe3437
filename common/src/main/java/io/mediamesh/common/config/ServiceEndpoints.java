package io.mediamesh.common.config;

import com.typesafe.config.Config;
import io.mediamesh.common.client.EndpointSetting;
import java.util.Locale;

/**
 * Where each service's replicas are, from {@code mediamesh.endpoints}: each {@code host:port},
 * {@code host:port,host:port,...} or {@code dns:host:port} (see {@link EndpointSetting}). A
 * malformed one is refused here, at start-up, naming its setting.
 */
public record ServiceEndpoints(String userSvc, String mediaSvc, String configSvc, String schedulerSvc) {
    public ServiceEndpoints {
        check("user-svc", userSvc);
        check("media-svc", mediaSvc);
        check("config-svc", configSvc);
        check("scheduler-svc", schedulerSvc);
    }

    public static ServiceEndpoints from(Config root) {
        Config c = root.getConfig("mediamesh.endpoints");
        return new ServiceEndpoints(c.getString("user-svc"), c.getString("media-svc"), c.getString("config-svc"),
                                    c.getString("scheduler-svc"));
    }

    private static void check(String service, String value) {
        EndpointSetting.parse(key(service), value);
    }

    /** The setting of {@code service}'s endpoint, with the variable that overrides it. */
    private static String key(String service) {
        return "mediamesh.endpoints." + service + " (MEDIAMESH_" + service.replace('-', '_').toUpperCase(Locale.ROOT)
               + "_ENDPOINT)";
    }

    public ServiceEndpoints withUserSvc(String endpoint) {
        return new ServiceEndpoints(endpoint, mediaSvc, configSvc, schedulerSvc);
    }

    public ServiceEndpoints withMediaSvc(String endpoint) {
        return new ServiceEndpoints(userSvc, endpoint, configSvc, schedulerSvc);
    }
}
