package io.mediamesh.config.apply;

import io.mediamesh.api.v1.ConfigAgentServiceGrpc.ConfigAgentServiceBlockingStub;
import io.mediamesh.common.client.GrpcClientFactory;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Stubs of the media servers' config agents, one per endpoint, calling as config-svc itself (the
 * mesh's service token). Callers put their own deadline on each call ({@code withDeadline}); the
 * factory's deadline bounds any call that does not.
 */
public final class AgentClients {
    private final GrpcClientFactory clients;
    private final String serviceToken;
    private final ConcurrentMap<String, ConfigAgentServiceBlockingStub> stubs = new ConcurrentHashMap<>();

    public AgentClients(GrpcClientFactory clients, String serviceToken) {
        this.clients = clients;
        this.serviceToken = serviceToken;
    }

    /** The agent at {@code endpoint} (host:port). */
    public ConfigAgentServiceBlockingStub agent(String endpoint) {
        return stubs.computeIfAbsent(endpoint, key -> clients.newServiceStub(key, ConfigAgentServiceBlockingStub.class,
                                                                             serviceToken));
    }
}
