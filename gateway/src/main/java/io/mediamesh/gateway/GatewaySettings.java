package io.mediamesh.gateway;

import com.typesafe.config.Config;
import io.mediamesh.common.config.ServerSettings;
import java.time.Duration;

/** The gateway's configuration, from {@code mediamesh.gateway} and the shared endpoints. */
public record GatewaySettings(ServerSettings server, String userSvcEndpoint, Duration deadline,
                              int maxJsonBodyBytes) {
    public static GatewaySettings from(Config root) {
        Config c = root.getConfig("mediamesh.gateway");
        return new GatewaySettings(ServerSettings.from(c.getConfig("server")),
                                   root.getString("mediamesh.endpoints.user-svc"),
                                   root.getDuration("mediamesh.client.deadline"),
                                   c.getBytes("max-json-body").intValue());
    }

    public GatewaySettings withUserSvcEndpoint(String endpoint) {
        return new GatewaySettings(server, endpoint, deadline, maxJsonBodyBytes);
    }
}
