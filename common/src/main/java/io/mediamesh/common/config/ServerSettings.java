package io.mediamesh.common.config;

import com.typesafe.config.Config;
import java.time.Duration;

/** Where and how a service listens; read from its {@code server} block. */
public record ServerSettings(String host, int port, Duration gracefulQuietPeriod, Duration gracefulTimeout) {
    public static ServerSettings from(Config server) {
        return new ServerSettings(server.getString("host"),
                                  server.getInt("port"),
                                  server.getDuration("graceful-quiet-period"),
                                  server.getDuration("graceful-timeout"));
    }
}
