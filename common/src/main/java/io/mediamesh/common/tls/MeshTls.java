package io.mediamesh.common.tls;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.ClientFactoryBuilder;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.ServerBuilder;
import com.typesafe.config.Config;
import io.netty.handler.ssl.ClientAuth;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one process of the mesh talks to the others: in the default mode (mtls) its servers serve
 * TLS, require a client certificate issued by the mesh's CA and admit only the identities they
 * name, and its clients present the process's own certificate and trust only the mesh's CA. The
 * caller of a request is the identity its certificate names. In plaintext mode (local debugging
 * only) nothing is encrypted, a caller's identity is the one it claims in
 * {@value #DEBUG_IDENTITY_HEADER}, and servers listen on loopback addresses only.
 */
public final class MeshTls implements AutoCloseable {
    public static final String DEBUG_IDENTITY_HEADER = "x-mediamesh-debug-identity";

    private static final Logger logger = LoggerFactory.getLogger(MeshTls.class);

    private final Identity identity;
    /** Null in plaintext mode. */
    private final CertifiedKey own;
    private final List<X509Certificate> trusted;
    private final ClientFactory clientFactory;

    private MeshTls(Identity identity, CertifiedKey own, List<X509Certificate> trusted) {
        this.identity = identity;
        this.own = own;
        this.trusted = List.copyOf(trusted);
        this.clientFactory = configure(ClientFactory.builder()).build();
    }

    /** Mutual TLS as {@code identity}, presenting {@code own} and trusting {@code trusted} only. */
    public static MeshTls mutual(Identity identity, CertifiedKey own, List<X509Certificate> trusted) {
        Optional<Identity> named = MeshCa.identityOf(own.certificate());
        if (!named.equals(Optional.of(identity))) {
            throw new IllegalArgumentException("The certificate given for " + identity + " names " +
                                               named.map(Identity::uri).orElse("no mesh identity") +
                                               " (its URI SAN must be " + identity.uri() + ").");
        }
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("No trusted CA certificate for " + identity + '.');
        }
        return new MeshTls(identity, own, trusted);
    }

    /** Plain text, claiming {@code identity}: for local debugging only. */
    public static MeshTls plaintext(Identity identity) {
        logger.warn("!!! TLS IS OFF (mediamesh.tls.mode = plaintext) for {}: nothing is encrypted and any local " +
                    "process may claim any identity. For local debugging only; never on a network. !!!", identity);
        return new MeshTls(identity, null, List.of());
    }

    /**
     * Reads {@code mediamesh.tls} (see common's reference.conf): the mode, and in mtls mode the PEM
     * files of this process's certificate chain, its key and the trusted CA.
     */
    public static MeshTls from(Config root, Identity identity) {
        Config tls = root.getConfig("mediamesh.tls");
        String mode = tls.getString("mode").trim().toLowerCase(Locale.ROOT);
        if (mode.equals("plaintext")) {
            return plaintext(identity);
        }
        if (!mode.equals("mtls")) {
            throw new IllegalArgumentException("mediamesh.tls.mode (MEDIAMESH_TLS_MODE) must be mtls or " +
                                               "plaintext, not " + mode + '.');
        }
        String dir = tls.getString("dir");
        Path cert = file(tls, "cert", dir, identity.fileStem() + ".crt");
        Path key = file(tls, "key", dir, identity.fileStem() + ".key");
        Path ca = file(tls, "ca", dir, "ca.crt");
        return mutual(identity, new CertifiedKey(Pem.readKey(key), Pem.readCertificates(cert)),
                      Pem.readCertificates(ca));
    }

    private static Path file(Config tls, String setting, String dir, String defaultName) {
        String given = tls.getString(setting);
        if (!given.isBlank()) {
            return Path.of(given);
        }
        if (dir.isBlank()) {
            throw new IllegalArgumentException(
                    "mediamesh.tls." + setting + " (MEDIAMESH_TLS_" + setting.toUpperCase(Locale.ROOT) +
                    ") or mediamesh.tls.dir (MEDIAMESH_TLS_DIR) must be set: the mesh runs over mutual TLS " +
                    "(./mediamesh up makes the certificates; MEDIAMESH_TLS_MODE=plaintext is for local debugging).");
        }
        return Path.of(dir, defaultName);
    }

    public Identity identity() {
        return identity;
    }

    public boolean isPlaintext() {
        return own == null;
    }

    /** The CA certificates this process trusts. */
    public List<X509Certificate> trusted() {
        return trusted;
    }

    /** Client connections that present this process's certificate (closed with this object). */
    public ClientFactory clientFactory() {
        return clientFactory;
    }

    /** Adds this process's client TLS to {@code builder}, for connections kept apart from {@link #clientFactory()}. */
    public ClientFactoryBuilder configure(ClientFactoryBuilder builder) {
        return configure(builder, peer -> true);
    }

    /**
     * As {@link #configure(ClientFactoryBuilder)}, the server's certificate also having to name an
     * identity {@code expectedServer} accepts: otherwise the handshake fails, before any request is sent.
     */
    public ClientFactoryBuilder configure(ClientFactoryBuilder builder, Predicate<Identity> expectedServer) {
        if (own == null) {
            return builder;
        }
        return builder.tls(own.key(), own.chain())
                      .tlsCustomizer(ssl -> ssl.trustManager(new IdentityTrustManager(trusted, expectedServer)));
    }

    /** The URI of a mesh endpoint (host:port). */
    public String uri(String endpoint) {
        return (own == null ? "http://" : "https://") + endpoint;
    }

    /** What a client adds to each request: in plaintext mode, the identity it claims. */
    public Optional<String> claimedIdentity() {
        return own == null ? Optional.of(identity.name()) : Optional.empty();
    }

    /**
     * Listens on {@code address}: TLS requiring a certificate of the mesh that names an identity
     * {@code admitted} accepts. Plain HTTP on the same port reaches only the paths starting with one
     * of {@code plainPathPrefixes} (a health check, a web hook of a program without a certificate).
     */
    public void listen(ServerBuilder sb, InetSocketAddress address, Predicate<Identity> admitted,
                       List<String> plainPathPrefixes) {
        if (own == null) {
            if (!address.getAddress().isLoopbackAddress()) {
                throw new IllegalArgumentException("In plaintext mode (mediamesh.tls.mode) " + identity +
                                                   " listens on loopback addresses only, not " + address + '.');
            }
            sb.http(address);
        } else {
            sb.port(address, SessionProtocol.HTTP, SessionProtocol.HTTPS)
              .tls(own.key(), own.chain())
              .tlsCustomizer(ssl -> ssl.clientAuth(ClientAuth.REQUIRE)
                                       .trustManager(trusted.toArray(X509Certificate[]::new)));
        }
        sb.decorator((delegate, ctx, req) -> {
            boolean plainPath = plainPathPrefixes.stream().anyMatch(ctx.path()::startsWith);
            if (own != null && !ctx.sessionProtocol().isTls()) {
                return plainPath ? delegate.serve(ctx, req)
                                 : refuse(req.contentType(), HttpStatus.UPGRADE_REQUIRED,
                                          "This port serves mutual TLS with a certificate of the mesh only.");
            }
            if (plainPath) {
                return delegate.serve(ctx, req);
            }
            Optional<Identity> peer = peer(ctx);
            if (peer.isEmpty() || !admitted.test(peer.get())) {
                String caller = peer.map(Identity::toString).orElse("a caller without a mesh identity");
                return refuse(req.contentType(), HttpStatus.FORBIDDEN, identity + " does not admit " + caller + '.');
            }
            return delegate.serve(ctx, req);
        });
    }

    /** The identity of the caller of {@code ctx}: its certificate's, or in plaintext mode the one it claims. */
    public Optional<Identity> peer(RequestContext ctx) {
        if (own == null) {
            String claimed = ctx.request() == null ? null : ctx.request().headers().get(DEBUG_IDENTITY_HEADER);
            try {
                return claimed == null ? Optional.empty() : Optional.of(new Identity(claimed.trim()));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return peerOf(ctx.sslSession());
    }

    static Optional<Identity> peerOf(SSLSession session) {
        if (session == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? MeshCa.identityOf(leaf)
                                                                                : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    /** A gRPC caller gets a gRPC status (PERMISSION_DENIED) with the reason; others an HTTP status. */
    private static HttpResponse refuse(MediaType contentType, HttpStatus status, String reason) {
        if (contentType != null && contentType.subtype().startsWith("grpc")) {
            return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(contentType).build(),
                                   HttpData.empty(),
                                   HttpHeaders.of("grpc-status", "7", "grpc-message", reason));
        }
        return HttpResponse.of(status, MediaType.PLAIN_TEXT_UTF_8, reason);
    }

    @Override
    public void close() {
        clientFactory.close();
    }
}
