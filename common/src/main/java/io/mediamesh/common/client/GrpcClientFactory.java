package io.mediamesh.common.client;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClientOptions;
import com.linecorp.armeria.client.grpc.GrpcClients;
import io.mediamesh.common.auth.Callers;
import java.time.Duration;

/**
 * gRPC stubs for service-to-service calls. Every call has a deadline (sent as grpc-timeout), so a
 * service that is down fails fast instead of hanging its caller.
 */
public final class GrpcClientFactory {
    private final ClientFactory clientFactory;
    private final Duration deadline;

    public GrpcClientFactory(ClientFactory clientFactory, Duration deadline) {
        this.clientFactory = clientFactory;
        this.deadline = deadline;
    }

    /**
     * A stub that calls as this service itself, presenting the mesh's shared service token, for
     * work no user asked for in this call (a relay, a scheduled task).
     */
    public <T> T newServiceStub(String endpoint, Class<T> stubType, String serviceToken) {
        return GrpcClients.builder("http://" + endpoint)
                          .factory(clientFactory)
                          .responseTimeout(deadline)
                          .setHeader(Callers.SERVICE_TOKEN_HEADER, serviceToken)
                          .build(stubType);
    }

    /** A stub of {@code stubType} for the service at {@code endpoint} (host:port). */
    public <T> T newStub(String endpoint, Class<T> stubType) {
        return GrpcClients.builder("http://" + endpoint)
                          .factory(clientFactory)
                          .responseTimeout(deadline)
                          .build(stubType);
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
        return GrpcClients.builder("http://" + endpoint)
                          .factory(clientFactory)
                          .responseTimeout(deadline)
                          .maxResponseLength(0)
                          .maxResponseMessageLength(maxMessageBytes)
                          .option(GrpcClientOptions.UNSAFE_WRAP_RESPONSE_BUFFERS, wrapResponseBuffers)
                          .build(stubType);
    }

    public Duration deadline() {
        return deadline;
    }
}
