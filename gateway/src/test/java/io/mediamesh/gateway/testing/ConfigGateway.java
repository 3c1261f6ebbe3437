package io.mediamesh.gateway.testing;

import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServerListener;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.ServiceEndpoints;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
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
        return start(base.withEndpoints(endpoints), server);
    }

    /**
     * Starts a gateway with {@code settings} on {@code server}, with a certificate of the test CA
     * that it closes when the server stops; the caller stops it.
     */
    public static Server start(GatewaySettings settings, ServerBuilder server) {
        MeshTls tls = TestMeshCa.tls(Identity.GATEWAY);
        Gateway gateway = new Gateway(settings, tls);
        gateway.configureServices(server);
        server.serverListener(ServerListener.builder().whenStopped(stopped -> {
            gateway.close();
            tls.close();
        }).build());
        Server built = server.build();
        built.start().join();
        return built;
    }
}
