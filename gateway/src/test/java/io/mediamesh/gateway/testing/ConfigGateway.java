package io.mediamesh.gateway.testing;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.ServiceEndpoints;
import io.mediamesh.config.testing.ConfigSvcFixture;
import io.mediamesh.gateway.Gateway;
import io.mediamesh.gateway.GatewaySettings;
import java.util.Map;

/** A gateway on a free loopback port in front of a {@link ConfigSvcFixture}'s user-svc and config-svc. */
public final class ConfigGateway {
    private ConfigGateway() {}

    /** Starts it with {@code server}'s settings (port 0 and any timeout the test wants); the caller stops it. */
    public static Server start(ConfigSvcFixture configSvc, ServerBuilder server) {
        GatewaySettings base = GatewaySettings.from(Configs.load(Map.of("MEDIAMESH_GATEWAY_MANAGEMENT_PORT",
                                                                        Integer.toString(Mesh.freePort()))));
        ServiceEndpoints endpoints = new ServiceEndpoints("127.0.0.1:" + configSvc.userSvcPort(),
                                                          base.endpoints().mediaSvc(),
                                                          "127.0.0.1:" + configSvc.port(),
                                                          base.endpoints().schedulerSvc());
        new Gateway(base.withEndpoints(endpoints), ClientFactory.ofDefault()).configureServices(server);
        Server gateway = server.build();
        gateway.start().join();
        return gateway;
    }
}
