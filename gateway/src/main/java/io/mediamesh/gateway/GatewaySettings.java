package io.mediamesh.gateway;

import com.typesafe.config.Config;
import io.mediamesh.common.config.ServerSettings;
import io.mediamesh.common.config.ServiceEndpoints;
import io.mediamesh.gateway.file.FileRouteSettings;
import java.time.Duration;

/** The gateway's configuration, from {@code mediamesh.gateway} and the shared endpoints. */
public record GatewaySettings(ServerSettings server, ServiceEndpoints endpoints, Duration deadline,
                              int maxJsonBodyBytes, Duration applyTimeout, Duration streamChangeTimeout,
                              FileRouteSettings files) {
    public static GatewaySettings from(Config root) {
        Config c = root.getConfig("mediamesh.gateway");
        return new GatewaySettings(ServerSettings.from(c.getConfig("server")),
                                   ServiceEndpoints.from(root),
                                   root.getDuration("mediamesh.client.deadline"),
                                   c.getBytes("max-json-body").intValue(),
                                   c.getDuration("apply-timeout"),
                                   c.getDuration("stream-change-timeout"),
                                   FileRouteSettings.from(c));
    }

    public GatewaySettings withEndpoints(ServiceEndpoints otherEndpoints) {
        return new GatewaySettings(server, otherEndpoints, deadline, maxJsonBodyBytes, applyTimeout,
                                   streamChangeTimeout, files);
    }
}
