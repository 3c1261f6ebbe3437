package io.mediamesh.common.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc.HealthBlockingStub;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.common.testing.Await;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stubs over several replicas, on real servers over the mesh's TLS (the grpc.health.v1 service
 * every server has stands in for a service's methods): calls spread over the replicas, a replica
 * reached at a host its certificate does not name never gets one, a DNS name works, and a replica
 * whose calls fail is ejected, then taken back.
 */
class GrpcClientFactoryTest {
    private static final Duration DEADLINE = Duration.ofSeconds(3);
    private static final HealthCheckRequest CHECK = HealthCheckRequest.getDefaultInstance();

    private final MeshTls serverTls = TestMeshCa.tls(Identity.USER_SVC);
    private final MeshTls callerTls = TestMeshCa.tls(Identity.GATEWAY);
    private final GrpcClientFactory clients = new GrpcClientFactory(callerTls, DEADLINE);
    private final List<Server> servers = new ArrayList<>();

    /** A replica: its calls counted, answering UNAVAILABLE (its /health still fine) while failing. */
    private record Replica(int port, String host, AtomicInteger calls, AtomicBoolean failing) {
        String endpoint() {
            return host + ':' + port;
        }
    }

    private Replica start(String host) {
        AtomicInteger calls = new AtomicInteger();
        AtomicBoolean failing = new AtomicBoolean();
        ServerBuilder sb = Server.builder();
        ServiceServer.listen(sb, new InetSocketAddress(host, 0), serverTls, ServiceServer.MESH_CALLERS, List.of());
        ServiceServer.configure(sb, ServiceServer.grpcService(List.of()));
        sb.decorator((delegate, ctx, req) -> {
            if (!ctx.path().startsWith("/grpc.health.v1.")) {
                return delegate.serve(ctx, req);
            }
            calls.incrementAndGet();
            if (failing.get()) {
                return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(req.contentType())
                                                      .add("grpc-status", "14").add("grpc-message", "failing")
                                                      .build());
            }
            return delegate.serve(ctx, req);
        });
        Server server = sb.build();
        server.start().join();
        servers.add(server);
        return new Replica(server.activeLocalPort(), host, calls, failing);
    }

    @AfterEach
    void stop() {
        clients.close();
        servers.forEach(server -> server.stop().join());
        callerTls.close();
        serverTls.close();
    }

    @Test
    void spreadsCallsOverTheReplicasWhoseCertificateNamesTheHostTheyAreReachedAt() {
        Replica first = start("127.0.0.1");
        Replica second = start("127.0.0.1");
        // Listening on another loopback address, which the test certificates do not name.
        Replica misnamed = start("127.0.0.2");
        // Alone, as before: the handshake fails on the host name.
        HealthBlockingStub alone = clients.newStub(misnamed.endpoint(), HealthBlockingStub.class);
        assertThatThrownBy(() -> alone.check(CHECK)).isInstanceOfSatisfying(
                StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

        HealthBlockingStub balanced = clients.newStub(
                String.join(",", first.endpoint(), second.endpoint(), misnamed.endpoint()), HealthBlockingStub.class);
        for (int i = 0; i < 60; i++) {
            balanced.check(CHECK);
        }
        assertThat(first.calls()).as("calls on the first replica").hasValueGreaterThanOrEqualTo(20);
        assertThat(second.calls()).as("calls on the second replica").hasValueGreaterThanOrEqualTo(20);
        assertThat(misnamed.calls()).as("calls on the replica whose certificate names another host").hasValue(0);
    }

    @Test
    void followsADnsName() {
        Replica replica = start("127.0.0.1");
        HealthBlockingStub stub = clients.newStub("dns:localhost:" + replica.port(), HealthBlockingStub.class);
        for (int i = 0; i < 10; i++) {
            stub.check(CHECK);
        }
        assertThat(replica.calls()).hasValue(10);
    }

    @Test
    void ejectsAReplicaWhoseCallsFailAndTakesItBackWhenItsTimeIsUp() {
        Replica healthy = start("127.0.0.1");
        Replica failing = start("127.0.0.1");
        failing.failing().set(true);
        HealthBlockingStub stub = clients.newStub(healthy.endpoint() + ',' + failing.endpoint(),
                                                  HealthBlockingStub.class);
        // Health.Check is not declared safe to repeat: each UNAVAILABLE reaches the caller.
        int failures = 0;
        long ejected = 0;
        for (int i = 0; i < 40; i++) {
            try {
                stub.check(CHECK);
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                failures++;
                ejected = System.nanoTime();
            }
        }
        // An outcome is recorded once the call's log completes, which may come just after the caller has its
        // answer: one caller's next call may still reach the replica. Never more than that one.
        assertThat(failures).as("failed calls before the replica was ejected")
                            .isBetween(EjectingEndpointGroup.FAILURES_TO_EJECT, EjectingEndpointGroup.FAILURES_TO_EJECT + 1);
        assertThat(failing.calls()).hasValue(failures);

        failing.failing().set(false);
        int failuresBeforeEjection = failures;
        Await.until("the ejected replica is called again", EjectingEndpointGroup.BASE_EJECTION.plusSeconds(5), () -> {
            stub.check(CHECK);
            return failing.calls().get() > failuresBeforeEjection;
        });
        assertThat(Duration.ofNanos(System.nanoTime() - ejected))
                .as("time out of the rotation").isGreaterThanOrEqualTo(EjectingEndpointGroup.BASE_EJECTION.minusSeconds(1));
    }
}
