package io.mediamesh.gateway;

import com.linecorp.armeria.client.ClientFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.server.ServiceServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the REST gateway. */
public final class Main {
    private static final Logger logger = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        GatewaySettings settings = GatewaySettings.from(Configs.load());
        Gateway gateway = new Gateway(settings, ClientFactory.ofDefault());
        ServiceServer.start("gateway", settings.server(), gateway::configureServices, gateway);
        logger.info("gateway: /docs, /metrics and /health on {}:{} only", settings.management().host(),
                    settings.management().port());
    }
}
