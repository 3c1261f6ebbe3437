package io.mediamesh.gateway.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.server.RunningService;
import io.mediamesh.common.testing.InJvmServices;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.config.testing.ConfigSvcFixture;
import io.mediamesh.gateway.Gateway;
import io.mediamesh.gateway.GatewaySettings;
import java.util.HashMap;
import java.util.Map;

/** A gateway in a test's JVM, started by {@link Gateway#run} as its Main starts it. */
public final class ConfigGateway {
    private ConfigGateway() {}

    /**
     * Starts one in front of a {@link ConfigSvcFixture}'s user-svc and config-svc, on free loopback ports;
     * {@code overrides} (e.g. its request timeout) win. The caller closes it.
     */
    public static RunningService<Gateway> start(ConfigSvcFixture configSvc, Map<String, Object> overrides)
            throws Exception {
        Map<String, Object> settings = new HashMap<>(overrides);
        settings.put("mediamesh.endpoints.user-svc", "127.0.0.1:" + configSvc.userSvcPort());
        settings.put("mediamesh.endpoints.config-svc", "127.0.0.1:" + configSvc.port());
        return start(GatewaySettings.from(config(settings)));
    }

    /**
     * A gateway's configuration in a test: any free public port, a management port of its own (reserved now:
     * it must differ from the public one), {@code overrides} win.
     */
    public static Config config(Map<String, Object> overrides) {
        return ConfigFactory.parseMap(overrides)
                            .withFallback(ConfigFactory.parseMap(Map.of("mediamesh.gateway.management.port",
                                                                        Mesh.freePort())))
                            .withFallback(ConfigFactory.parseMap(InJvmServices.SETTINGS))
                            .withFallback(Configs.load(Map.of()));
    }

    /** Starts a gateway with {@code settings} and a test-CA certificate closed after it; the caller closes it. */
    public static RunningService<Gateway> start(GatewaySettings settings) throws Exception {
        return InJvmServices.closingTls(Identity.GATEWAY, tls -> Gateway.run(settings, tls));
    }
}
