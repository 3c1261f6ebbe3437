package io.mediamesh.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClients;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Callers a port of the mesh must refuse, each named: one that speaks TLS without a client
 * certificate, one in plain text, and one with a certificate that names an identity of the mesh
 * but was issued by a CA of its own (self-made).
 */
public final class Strangers implements AutoCloseable {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final ClientFactory noCertificate;
    private final MeshTls forged;

    /** @param impersonated the identity the forged certificate claims */
    public Strangers(Identity impersonated) {
        this.noCertificate = ClientFactory.builder()
                                          .tlsCustomizer(ssl -> ssl.trustManager(TestMeshCa.caCertificate()))
                                          .build();
        this.forged = TestMeshCa.forged(impersonated);
    }

    /** A stub of {@code type} at loopback {@code port} for each stranger. */
    public <T> Map<String, T> stubs(int port, Class<T> type) {
        Map<String, T> stubs = new LinkedHashMap<>();
        stubs.put("TLS without a client certificate",
                  GrpcClients.builder("https://127.0.0.1:" + port).factory(noCertificate).responseTimeout(DEADLINE)
                             .build(type));
        stubs.put("plain text", GrpcClients.builder("http://127.0.0.1:" + port).responseTimeout(DEADLINE).build(type));
        stubs.put("a self-made certificate naming " + forged.identity(),
                  TestMeshCa.grpc(forged, port).responseTimeout(DEADLINE).build(type));
        return stubs;
    }

    /** Asserts that {@code call} on a stub of {@code type} at {@code port} fails for every stranger. */
    public <T> void assertEachRefused(int port, Class<T> type, Consumer<T> call) {
        stubs(port, type).forEach((who, stranger) -> assertThatThrownBy(() -> call.accept(stranger))
                .as(who).isInstanceOf(StatusRuntimeException.class));
    }

    /**
     * Asserts that {@code call}, made with each of {@code identities}' certificates (of the mesh),
     * fails with PERMISSION_DENIED naming that identity.
     */
    public static void assertDenied(List<MeshTls> identities, Consumer<MeshTls> call) {
        for (MeshTls refused : identities) {
            assertThatThrownBy(() -> call.accept(refused)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                assertThat(e.getStatus().getDescription()).contains(refused.identity().name());
            });
        }
    }

    @Override
    public void close() {
        noCertificate.close();
        forged.close();
    }
}
