package io.mediamesh.gateway;

import com.typesafe.config.Config;
import io.mediamesh.common.config.ServerSettings;
import io.mediamesh.common.config.ServiceEndpoints;
import io.mediamesh.gateway.browser.BrowserSettings;
import java.time.Duration;
import java.util.List;

/**
 * The gateway's configuration, from {@code mediamesh.gateway} and the shared endpoints.
 *
 * @param management where /docs, /metrics and /health are served, apart from the public port
 * @param requestTimeout how long a request may take, but for the routes that stream (uploads, applies)
 * @param trustedProxies addresses or CIDR blocks of reverse proxies whose X-Forwarded-For names
 *        the client
 */
public record GatewaySettings(ServerSettings server, ManagementSettings management, ServiceEndpoints endpoints,
                              Duration requestTimeout, Duration deadline, int maxJsonBodyBytes, Duration applyTimeout,
                              Duration streamChangeTimeout, GatewayFileSettings files, BrowserSettings browser,
                              List<String> trustedProxies) {
    public static GatewaySettings from(Config root) {
        Config c = root.getConfig("mediamesh.gateway");
        return new GatewaySettings(ServerSettings.from(c.getConfig("server")),
                                   ManagementSettings.from(c.getConfig("management")),
                                   ServiceEndpoints.from(root),
                                   c.getDuration("request-timeout"),
                                   root.getDuration("mediamesh.client.deadline"),
                                   c.getBytes("max-json-body").intValue(),
                                   c.getDuration("apply-timeout"),
                                   c.getDuration("stream-change-timeout"),
                                   GatewayFileSettings.from(root),
                                   BrowserSettings.from(c.getConfig("browser")),
                                   c.getStringList("trusted-proxies"));
    }

    public GatewaySettings withEndpoints(ServiceEndpoints otherEndpoints) {
        return new GatewaySettings(server, management, otherEndpoints, requestTimeout, deadline, maxJsonBodyBytes,
                                   applyTimeout, streamChangeTimeout, files, browser, trustedProxies);
    }

    /** Where the management endpoints listen: a port of their own, on loopback unless configured otherwise. */
    public record ManagementSettings(String host, int port) {
        static ManagementSettings from(Config management) {
            return new ManagementSettings(management.getString("host"), management.getInt("port"));
        }
    }

}
