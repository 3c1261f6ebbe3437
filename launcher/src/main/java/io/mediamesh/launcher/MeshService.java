package io.mediamesh.launcher;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The mesh's services in start order ({@code up} stops them in the reverse order, the gateway first),
 * with their ports' settings. A service's second port, if it has one, is the gateway's management port
 * (where its /health is) or media-svc's file server.
 */
enum MeshService {
    USER_SVC("user-svc", 9101, null),
    MEDIA_SVC("media-svc", 9102, new SecondPort("MEDIAMESH_FILES_PORT", 8081, "media-svc file server")),
    CONFIG_SVC("config-svc", 9103, null),
    SCHEDULER_SVC("scheduler-svc", 9104, null),
    GATEWAY("gateway", 8080, new SecondPort("MEDIAMESH_GATEWAY_MANAGEMENT_PORT", 9180, "gateway management"));

    /** A service's other port: its setting, default and name in messages. */
    record SecondPort(String variable, int defaultPort, String description) {}

    private final String serviceName;
    private final int defaultPort;
    private final SecondPort secondPort;

    MeshService(String serviceName, int defaultPort, SecondPort secondPort) {
        this.serviceName = serviceName;
        this.defaultPort = defaultPort;
        this.secondPort = secondPort;
    }

    static Optional<MeshService> named(String name) {
        return Arrays.stream(values()).filter(service -> service.serviceName.equals(name)).findFirst();
    }

    String serviceName() {
        return serviceName;
    }

    int defaultPort() {
        return defaultPort;
    }

    Optional<SecondPort> secondPort() {
        return Optional.ofNullable(secondPort);
    }

    /** e.g. MEDIAMESH_USER_SVC for user-svc: the prefix of its settings in the environment. */
    String variablePrefix() {
        return "MEDIAMESH_" + serviceName.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    String portVariable() {
        return variablePrefix() + "_PORT";
    }

    /** Where the other services find it ({@code mediamesh.endpoints.<service>}); the gateway has none. */
    Optional<String> endpointVariable() {
        return this == GATEWAY ? Optional.empty() : Optional.of(variablePrefix() + "_ENDPOINT");
    }

    /** The gateway keeps no schema; every other service has its own database account. */
    boolean hasDatabase() {
        return this != GATEWAY;
    }

    /** The gateway answers /health on its management port; the services on their own port. */
    boolean healthOnSecondPort() {
        return this == GATEWAY;
    }
}
