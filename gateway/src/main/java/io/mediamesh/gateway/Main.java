package io.mediamesh.gateway;

import com.linecorp.armeria.client.ClientFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.server.ServiceServer;

/** Starts the REST gateway. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        GatewaySettings settings = GatewaySettings.from(Configs.load());
        Gateway gateway = new Gateway(settings, ClientFactory.ofDefault());
        ServiceServer.start("gateway", settings.server(), gateway::configureServices, gateway);
    }
}
