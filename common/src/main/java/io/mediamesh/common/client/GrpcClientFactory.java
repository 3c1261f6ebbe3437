package io.mediamesh.common.client;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClientBuilder;
import com.linecorp.armeria.client.grpc.GrpcClientOptions;
import com.linecorp.armeria.client.grpc.GrpcClients;
import io.mediamesh.common.tls.MeshTls;
import java.time.Duration;

/**
 * gRPC stubs for service-to-service calls, over the mesh's TLS: every call presents this process's
 * certificate, which tells the callee who calls (a user's session, if any, travels in a header on
 * top). Every call has a deadline (sent as grpc-timeout), so a service that is down fails fast
 * instead of hanging its caller.
 */
public final class GrpcClientFactory {
    private final MeshTls tls;
    private final ClientFactory clientFactory;
    private final Duration deadline;

    /** Stubs on {@code tls}'s own connections. */
    public GrpcClientFactory(MeshTls tls, Duration deadline) {
        this(tls, tls.clientFactory(), deadline);
    }

    /** Stubs on {@code clientFactory}'s connections, which must present {@code tls}'s certificate. */
    public GrpcClientFactory(MeshTls tls, ClientFactory clientFactory, Duration deadline) {
        this.tls = tls;
        this.clientFactory = clientFactory;
        this.deadline = deadline;
    }

    /** A stub of {@code stubType} for the service at {@code endpoint} (host:port). */
    public <T> T newStub(String endpoint, Class<T> stubType) {
        return builder(endpoint).build(stubType);
    }

    private GrpcClientBuilder builder(String endpoint) {
        GrpcClientBuilder builder = GrpcClients.builder(tls.uri(endpoint))
                                               .factory(clientFactory)
                                               .responseTimeout(deadline);
        tls.claimedIdentity().ifPresent(identity -> builder.setHeader(MeshTls.DEBUG_IDENTITY_HEADER, identity));
        return builder;
    }

    /**
     * A stub for calls that stream a large body (a video file): no cap on a call's total length,
     * which would cut a stream at the client's default response limit, but each message capped at
     * {@code maxMessageBytes}. Its deadline covers the start of a call; a caller that keeps a
     * stream going extends it as the stream progresses (ClientRequestContext#setResponseTimeout).
     *
     * @param wrapResponseBuffers whether response messages reference the received network buffer
     *        instead of a copy; the caller must then release every response message with
     *        {@code GrpcUnsafeBufferUtil.releaseBuffer} once done with it
     */
    public <T> T newStreamingStub(String endpoint, Class<T> stubType, int maxMessageBytes,
                                  boolean wrapResponseBuffers) {
        return builder(endpoint).maxResponseLength(0)
                                .maxResponseMessageLength(maxMessageBytes)
                                .option(GrpcClientOptions.UNSAFE_WRAP_RESPONSE_BUFFERS, wrapResponseBuffers)
                                .build(stubType);
    }

    public Duration deadline() {
        return deadline;
    }
}
