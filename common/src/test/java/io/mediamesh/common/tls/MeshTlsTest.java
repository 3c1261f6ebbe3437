package io.mediamesh.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.common.testing.TestMeshCa;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mesh's TLS on a real port: who gets in, who is named, and the CA's files. */
class MeshTlsTest {
    @TempDir
    Path dir;

    /** A server as {@code tls} that admits services but not agents, answering the caller's identity. */
    private static Server serve(MeshTls tls, InetSocketAddress address) {
        ServerBuilder sb = Server.builder();
        tls.listen(sb, address, identity -> !identity.isAgent(), List.of("/open/"));
        sb.service("/who", (ctx, req) -> HttpResponse.of(tls.peer(ctx).map(Identity::name).orElse("nobody")));
        sb.service("/open/who", (ctx, req) -> HttpResponse.of(tls.peer(ctx).map(Identity::name).orElse("nobody")));
        Server server = sb.build();
        server.start().join();
        return server;
    }

    private static BlockingWebClient client(MeshTls tls, int port) {
        return WebClient.builder(tls.uri("127.0.0.1:" + port)).factory(tls.clientFactory()).build().blocking();
    }

    @Test
    void admitsTheMeshsCertificatesNamingTheCallerAndRefusesTheRest() {
        try (MeshTls server = TestMeshCa.tls(Identity.USER_SVC);
             MeshTls gateway = TestMeshCa.tls(Identity.GATEWAY);
             MeshTls agent = TestMeshCa.tls(Identity.agent("edge-1"));
             MeshTls forged = TestMeshCa.forged(Identity.GATEWAY);
             ClientFactory noCertificate = ClientFactory.builder()
                                                        .tlsCustomizer(ssl -> ssl.trustManager(TestMeshCa.caCertificate()))
                                                        .build()) {
            Server running = serve(server, new InetSocketAddress("127.0.0.1", 0));
            int port = running.activeLocalPort();
            try {
                assertThat(client(gateway, port).get("/who").contentUtf8()).isEqualTo("gateway");
                assertThat(client(agent, port).get("/who").status().code()).isEqualTo(403);
                assertThat(client(agent, port).get("/who").contentUtf8()).contains("agent/edge-1");
                assertThatThrownBy(() -> client(forged, port).get("/who")).isInstanceOf(RuntimeException.class);
                assertThatThrownBy(() -> WebClient.builder("https://127.0.0.1:" + port).factory(noCertificate).build()
                                                  .blocking().get("/who"))
                        .isInstanceOf(RuntimeException.class);
                BlockingWebClient plain = BlockingWebClient.of("http://127.0.0.1:" + port);
                assertThat(plain.get("/who").status().code()).isEqualTo(426);
                assertThat(plain.get("/open/who").contentUtf8()).isEqualTo("nobody");
            } finally {
                running.stop().join();
            }
        }
    }

    @Test
    void aClientChecksTheServersIdentityBeforeSendingAnything() {
        try (MeshTls agent = TestMeshCa.tls(Identity.agent("edge-2"));
             MeshTls configSvc = TestMeshCa.tls(Identity.CONFIG_SVC)) {
            Server running = serve(agent, new InetSocketAddress("127.0.0.1", 0));
            try (ClientFactory expectingEdge1 = configSvc.configure(ClientFactory.builder(),
                                                                    Identity.agent("edge-1")::equals).build();
                 ClientFactory expectingEdge2 = configSvc.configure(ClientFactory.builder(),
                                                                    Identity.agent("edge-2")::equals).build()) {
                String uri = configSvc.uri("127.0.0.1:" + running.activeLocalPort());
                assertThatThrownBy(() -> WebClient.builder(uri).factory(expectingEdge1).build().blocking().get("/who"))
                        .satisfies(e -> assertThat(UntrustedPeerException.in(e)).hasValueSatisfying(
                                untrusted -> assertThat(untrusted.presented()).isEqualTo("agent/edge-2")));
                // The agent expected there: the handshake passes and the call is answered.
                assertThat(WebClient.builder(uri).factory(expectingEdge2).build().blocking().get("/open/who")
                                    .contentUtf8()).isEqualTo("config-svc");
            } finally {
                running.stop().join();
            }
        }
    }

    @Test
    void plaintextTakesTheClaimedIdentityOnLoopbackOnly() {
        try (MeshTls server = MeshTls.plaintext(Identity.USER_SVC);
             MeshTls media = MeshTls.plaintext(Identity.MEDIA_SVC)) {
            assertThatThrownBy(() -> server.listen(Server.builder(), new InetSocketAddress("0.0.0.0", 0),
                                                   identity -> true, List.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
            Server running = serve(server, new InetSocketAddress("127.0.0.1", 0));
            try {
                BlockingWebClient client = WebClient.builder(media.uri("127.0.0.1:" + running.activeLocalPort()))
                                                    .addHeader(MeshTls.DEBUG_IDENTITY_HEADER,
                                                               media.claimedIdentity().orElseThrow())
                                                    .build().blocking();
                assertThat(client.get("/who").contentUtf8()).isEqualTo("media-svc");
            } finally {
                running.stop().join();
            }
        }
    }

    @Test
    void theCaFolderIsMadeOnceOwnerOnlyAndItsCertificatesLoad() throws Exception {
        Path tls = dir.resolve("tls");
        MeshCaFiles files = new MeshCaFiles(tls, new SecureRandom());
        List<String> hosts = List.of("localhost", "127.0.0.1");
        assertThat(files.ensure(List.of(Identity.USER_SVC, Identity.agent("edge-1")), hosts))
                .containsExactly(Identity.USER_SVC, Identity.agent("edge-1"));
        assertThat(mode(tls)).isEqualTo("rwx------");
        assertThat(mode(tls.resolve("ca.key"))).isEqualTo("rw-------");
        assertThat(mode(tls.resolve("user-svc.key"))).isEqualTo("rw-------");
        assertThat(mode(tls.resolve("agent_edge-1.key"))).isEqualTo("rw-------");
        String ca = Files.readString(tls.resolve("ca.crt"));

        // Again: nothing new, the same CA; a lost certificate is issued again by that CA.
        assertThat(files.ensure(List.of(Identity.USER_SVC), hosts)).isEmpty();
        Files.delete(tls.resolve("user-svc.crt"));
        assertThat(files.ensure(List.of(Identity.USER_SVC), hosts)).containsExactly(Identity.USER_SVC);
        assertThat(Files.readString(tls.resolve("ca.crt"))).isEqualTo(ca);

        var config = ConfigFactory.parseMap(Map.of("mediamesh.tls.dir", tls.toString()))
                                  .withFallback(ConfigFactory.parseResources("reference.conf"));
        try (MeshTls loaded = MeshTls.from(config, Identity.USER_SVC)) {
            assertThat(loaded.isPlaintext()).isFalse();
            assertThat(loaded.uri("127.0.0.1:1")).startsWith("https://");
        }
        // An identity without files is refused at start-up, naming the file; a certificate that
        // names another identity too, naming both.
        assertThatThrownBy(() -> MeshTls.from(config, Identity.MEDIA_SVC)).hasMessageContaining("media-svc.");
        var wrong = ConfigFactory.parseMap(Map.of("mediamesh.tls.cert", tls.resolve("user-svc.crt").toString(),
                                                  "mediamesh.tls.key", tls.resolve("user-svc.key").toString(),
                                                  "mediamesh.tls.ca", tls.resolve("ca.crt").toString()))
                                 .withFallback(config);
        assertThatThrownBy(() -> MeshTls.from(wrong, Identity.MEDIA_SVC))
                .hasMessageContaining("spiffe://mediamesh/user-svc").hasMessageContaining("spiffe://mediamesh/media-svc");
        // Without TLS files and without plaintext asked for: a clear refusal to start.
        assertThatThrownBy(() -> MeshTls.from(ConfigFactory.parseResources("reference.conf"), Identity.USER_SVC))
                .hasMessageContaining("MEDIAMESH_TLS_DIR").hasMessageContaining("plaintext");
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
