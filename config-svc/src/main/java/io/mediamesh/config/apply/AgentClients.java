package io.mediamesh.config.apply;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.ClientFactoryBuilder;
import io.mediamesh.api.v1.ConfigAgentServiceGrpc.ConfigAgentServiceBlockingStub;
import io.mediamesh.common.client.GrpcClientFactory;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Stubs of the media servers' config agents, one per server and endpoint, calling as config-svc
 * itself (its certificate). Each has connections of its own that accept only the certificate of
 * that server's agent ({@code agent/<server name>}): an agent endpoint that presents another
 * identity fails the TLS handshake, before config-svc sends it anything. Callers put their own
 * deadline on each call ({@code withDeadline}); {@code deadline} bounds any call that does not.
 */
public final class AgentClients implements AutoCloseable {
    private final MeshTls tls;
    private final Duration deadline;
    private final ConcurrentMap<Key, Agent> agents = new ConcurrentHashMap<>();

    public AgentClients(MeshTls tls, Duration deadline) {
        this.tls = tls;
        this.deadline = deadline;
    }

    /** The agent of the server {@code serverName} at {@code endpoint} (host:port). */
    public ConfigAgentServiceBlockingStub agent(String serverName, String endpoint) {
        return agents.computeIfAbsent(new Key(serverName, endpoint), this::connect).stub();
    }

    private Agent connect(Key key) {
        Identity expected = Identity.agent(key.serverName());
        ClientFactoryBuilder shared = ClientFactory.builder().workerGroup(tls.clientFactory().eventLoopGroup(), false);
        ClientFactory connections = tls.configure(shared, expected::equals).build();
        return new Agent(connections, new GrpcClientFactory(tls, connections, deadline)
                .newStub(key.endpoint(), ConfigAgentServiceBlockingStub.class));
    }

    @Override
    public void close() {
        agents.values().forEach(agent -> agent.connections().close());
    }

    private record Key(String serverName, String endpoint) {}

    private record Agent(ClientFactory connections, ConfigAgentServiceBlockingStub stub) {}
}
