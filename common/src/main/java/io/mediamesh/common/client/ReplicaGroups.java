package io.mediamesh.common.client;

import com.linecorp.armeria.client.endpoint.EndpointGroup;
import com.linecorp.armeria.client.endpoint.dns.DnsAddressEndpointGroup;
import com.linecorp.armeria.client.endpoint.healthcheck.HealthCheckedEndpointGroup;
import com.linecorp.armeria.common.SessionProtocol;
import io.mediamesh.common.tls.MeshTls;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The endpoint groups of the services a process calls: one per endpoint setting, health checked
 * once however many stubs use it. Each replica's /health is asked over the mesh's TLS as a call
 * would be (so a replica whose certificate does not name the host it is reached at is never
 * healthy), long-polled (Armeria's health check service answers when its state changes, so a
 * replica that stops or drains is dropped at once); a replica that does not answer is asked again
 * every {@link #RECHECK}. A DNS name is resolved again as its records' TTL says, at least every
 * {@link #MAX_DNS_TTL_SECONDS} s.
 */
final class ReplicaGroups implements AutoCloseable {
    static final Duration RECHECK = Duration.ofSeconds(1);
    static final int MAX_DNS_TTL_SECONDS = 10;
    private static final String HEALTH_PATH = "/health";

    private final MeshTls tls;
    private final Map<String, EjectingEndpointGroup> groups = new ConcurrentHashMap<>();

    ReplicaGroups(MeshTls tls) {
        this.tls = tls;
    }

    SessionProtocol protocol() {
        return tls.isPlaintext() ? SessionProtocol.HTTP : SessionProtocol.HTTPS;
    }

    /** The group of the replicas {@code setting} names ({@code value} as written). */
    EjectingEndpointGroup group(String value, EndpointSetting setting) {
        return groups.computeIfAbsent(value.trim(), unused -> newGroup(setting));
    }

    private EjectingEndpointGroup newGroup(EndpointSetting setting) {
        EndpointGroup all = setting instanceof EndpointSetting.Dns dns
                            ? DnsAddressEndpointGroup.builder(dns.host()).port(dns.port())
                                                     .ttl(1, MAX_DNS_TTL_SECONDS).build()
                            : EndpointGroup.of(((EndpointSetting.Fixed) setting).endpoints());
        HealthCheckedEndpointGroup healthy = HealthCheckedEndpointGroup.builder(all, HEALTH_PATH)
                                                                       .protocol(protocol())
                                                                       .clientFactory(tls.clientFactory())
                                                                       .retryInterval(RECHECK)
                                                                       .build();
        return new EjectingEndpointGroup(all, healthy, System::nanoTime);
    }

    @Override
    public void close() {
        groups.values().forEach(EjectingEndpointGroup::close);
        groups.clear();
    }
}
