package io.mediamesh.common.testing;

import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.client.grpc.GrpcClientBuilder;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.common.tls.CertifiedKey;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshCa;
import io.mediamesh.common.tls.MeshCaFiles;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.common.tls.Pem;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Consumer;

/**
 * The mesh's TLS for tests, made in the JVM (EC P-256: milliseconds): one CA for the whole test
 * run, and a fresh certificate for each identity a fixture starts, naming localhost and 127.0.0.1.
 */
public final class TestMeshCa {
    private static final List<String> HOSTS = List.of("localhost", "127.0.0.1");
    private static final MeshCa CA = MeshCa.create("mediamesh test CA", new SecureRandom());
    /** An operator's tool, for tests that call a service directly; its connections live as long as the JVM. */
    private static final MeshTls OPERATOR = tls(Identity.OPERATOR);

    private TestMeshCa() {}

    /** The operator's TLS, shared by the tests of a JVM (never closed, like ClientFactory.ofDefault()). */
    public static MeshTls operator() {
        return OPERATOR;
    }

    /**
     * Makes {@code sb} listen on loopback {@code port} (0: any) as a service of the mesh over
     * {@code tls}, admitting the services, the gateway and operators, plain HTTP for /health and
     * {@code plainPaths}.
     */
    public static ServerBuilder listen(ServerBuilder sb, MeshTls tls, int port, List<String> plainPaths) {
        ServiceServer.listen(sb, new InetSocketAddress("127.0.0.1", port), tls, ServiceServer.MESH_CALLERS,
                             plainPaths);
        return sb;
    }

    /**
     * Starts a service of the mesh on loopback {@code port} (0: any) over {@code tls}, as {@link #listen} makes
     * it, with what {@code configure} adds; the caller stops it.
     */
    public static Server start(MeshTls tls, int port, List<String> plainPaths, Consumer<ServerBuilder> configure) {
        ServerBuilder sb = listen(Server.builder(), tls, port, plainPaths);
        configure.accept(sb);
        Server server = sb.build();
        server.start().join();
        return server;
    }

    /** A gRPC client builder for the mesh port {@code port} on loopback, as an operator. */
    public static GrpcClientBuilder grpc(int port) {
        return grpc(OPERATOR, port);
    }

    /** A gRPC client builder for the mesh port {@code port} on loopback, presenting {@code tls}'s certificate. */
    public static GrpcClientBuilder grpc(MeshTls tls, int port) {
        return grpc(tls, "127.0.0.1:" + port);
    }

    /** A gRPC client builder for the mesh endpoint (host:port), presenting {@code tls}'s certificate. */
    public static GrpcClientBuilder grpc(MeshTls tls, String endpoint) {
        return GrpcClients.builder(tls.uri(endpoint)).factory(tls.clientFactory());
    }

    /** An HTTP client of the mesh port {@code port} on loopback (its /metrics, say), as an operator. */
    public static BlockingWebClient web(int port) {
        return WebClient.builder(OPERATOR.uri("127.0.0.1:" + port)).factory(OPERATOR.clientFactory()).build()
                        .blocking();
    }

    /** Mutual TLS as {@code identity}, trusting the test CA; the caller closes it. */
    public static MeshTls tls(Identity identity) {
        return MeshTls.mutual(identity, issue(identity), List.of(caCertificate()));
    }

    public static CertifiedKey issue(Identity identity) {
        return CA.issue(identity, HOSTS, MeshCa.CERTIFICATE_VALIDITY);
    }

    public static X509Certificate caCertificate() {
        return CA.certificate();
    }

    /**
     * Writes the test CA as {@link MeshCaFiles} keeps one ({@code ca.crt}, {@code ca.key}), for
     * processes that issue their own certificates from it (a benchmark's fleet of agents).
     */
    public static void writeCa(Path dir) throws IOException {
        Files.createDirectories(dir);
        Pem.writeKey(dir.resolve("ca.key"), CA.caKey().key());
        Pem.writeCertificates(dir.resolve("ca.crt"), CA.caKey().chain());
    }

    /**
     * Mutual TLS as {@code identity} with a certificate of another CA (a self-made one), trusting
     * the test CA: what a forger would present.
     */
    public static MeshTls forged(Identity identity) {
        MeshCa other = MeshCa.create("not the mesh CA", new SecureRandom());
        return MeshTls.mutual(identity, other.issue(identity, HOSTS, MeshCa.CERTIFICATE_VALIDITY),
                              List.of(caCertificate()));
    }
}
