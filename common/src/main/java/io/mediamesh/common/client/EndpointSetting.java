package io.mediamesh.common.client;

import com.linecorp.armeria.client.Endpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a service's replicas are, as an endpoint setting names them ({@code mediamesh.endpoints.*}):
 * {@code host:port} (one replica, as before), {@code host:port,host:port} (a fixed list) or
 * {@code dns:host:port} (every address the name resolves to, such as a Kubernetes headless
 * Service, resolved again as the records' TTL says). Launchers write these forms: keep them.
 */
public sealed interface EndpointSetting {
    String DNS_PREFIX = "dns:";
    String FORMS = "host:port, host:port,host:port,... or dns:host:port";

    /** A fixed list of replicas; one replica is the single endpoint of before. */
    record Fixed(List<Endpoint> endpoints) implements EndpointSetting {
        public Fixed {
            endpoints = List.copyOf(endpoints);
        }

        public boolean isSingle() {
            return endpoints.size() == 1;
        }
    }

    /** Every address {@code host} resolves to, at {@code port}. */
    record Dns(String host, int port) implements EndpointSetting {}

    /**
     * Parses {@code value}; a malformed one is an IllegalArgumentException naming {@code key} (the
     * setting, and its variable where it has one), so that a process refuses to start with it.
     */
    static EndpointSetting parse(String key, String value) {
        String trimmed = value.trim();
        if (trimmed.startsWith(DNS_PREFIX)) {
            Endpoint name = endpoint(key, value, trimmed.substring(DNS_PREFIX.length()));
            return new Dns(name.host(), name.port());
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (String item : trimmed.split(",", -1)) {
            endpoints.add(endpoint(key, value, item));
        }
        return new Fixed(endpoints);
    }

    private static Endpoint endpoint(String key, String value, String item) {
        String trimmed = item.trim();
        if (trimmed.isEmpty()) {
            throw invalid(key, value, "an empty item");
        }
        Endpoint endpoint;
        try {
            endpoint = Endpoint.parse(trimmed);
        } catch (IllegalArgumentException e) {
            throw invalid(key, value, "\"" + trimmed + "\", which is not host:port");
        }
        if (!endpoint.hasPort() || endpoint.port() < 1 || endpoint.port() > 65_535) {
            throw invalid(key, value, "\"" + trimmed + "\" without a port");
        }
        return endpoint;
    }

    private static IllegalArgumentException invalid(String key, String value, String problem) {
        return new IllegalArgumentException(key + " = \"" + value + "\" has " + problem + ": expected " + FORMS + '.');
    }
}
