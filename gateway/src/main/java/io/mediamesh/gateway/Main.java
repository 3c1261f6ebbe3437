package io.mediamesh.gateway;

import com.typesafe.config.Config;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the REST gateway. */
public final class Main {
    private static final Logger logger = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        Config config = Configs.load();
        GatewaySettings settings = GatewaySettings.from(config);
        MeshTls tls = MeshTls.from(config, Identity.GATEWAY);
        ServiceServer.closeOnExit(Gateway.run(settings, tls), tls);
        logger.info("gateway: /docs, /metrics and /health on {}:{} only", settings.management().host(),
                    settings.management().port());
    }
}
