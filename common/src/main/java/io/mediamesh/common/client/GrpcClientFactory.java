package io.mediamesh.common.client;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClientBuilder;
import com.linecorp.armeria.client.grpc.GrpcClientOptions;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.common.ClosedSessionException;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import com.linecorp.armeria.common.stream.ClosedStreamException;
import com.linecorp.armeria.common.util.Exceptions;
import io.grpc.Status;
import io.mediamesh.common.tls.MeshTls;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;

/**
 * gRPC stubs for service-to-service calls, over the mesh's TLS: every call presents this process's
 * certificate, which tells the callee who calls (a user's session, if any, travels in a header on
 * top). Every call has a deadline (sent as grpc-timeout), so a service that is down fails fast
 * instead of hanging its caller.
 *
 * <p>An endpoint is an endpoint setting ({@link EndpointSetting}): one {@code host:port} is called
 * as it is; several, or a {@code dns:} name, make a group of replicas, health checked, balanced
 * round-robin, with replicas whose calls keep failing ejected for a while ({@link ReplicaGroups},
 * {@link EjectingEndpointGroup}). Either way a unary call that was never sent is tried again, and
 * one that failed is tried again only where its proto says that is safe ({@link SafeRetries}),
 * all within the one deadline. Factories made with {@link #withDeadline} and
 * {@link #withConnections} share this one's groups, which {@link #close()} closes.
 */
public final class GrpcClientFactory implements AutoCloseable {
    /**
     * A call whose connection closed under it (the replica stopped or died) is UNAVAILABLE, as
     * grpc-java reports a lost transport, not Armeria's CANCELLED: the service was not there to
     * answer, and its callers (the gateway: 503) and retries treat it so.
     */
    private static final GrpcExceptionHandlerFunction LOST_CONNECTION = (ctx, status, cause, metadata) -> {
        Throwable peeled = Exceptions.peel(cause);
        return peeled instanceof ClosedSessionException || peeled instanceof ClosedStreamException
               || peeled instanceof ClosedChannelException
               ? Status.UNAVAILABLE.withDescription("The connection to the service closed during the call.")
                                   .withCause(cause)
               : null;
    };

    private final MeshTls tls;
    private final ClientFactory clientFactory;
    private final Duration deadline;
    private final ReplicaGroups groups;

    /** Stubs on {@code tls}'s own connections. */
    public GrpcClientFactory(MeshTls tls, Duration deadline) {
        this(tls, tls.clientFactory(), deadline);
    }

    /** Stubs on {@code clientFactory}'s connections, which must present {@code tls}'s certificate. */
    public GrpcClientFactory(MeshTls tls, ClientFactory clientFactory, Duration deadline) {
        this(tls, clientFactory, deadline, new ReplicaGroups(tls));
    }

    private GrpcClientFactory(MeshTls tls, ClientFactory clientFactory, Duration deadline, ReplicaGroups groups) {
        this.tls = tls;
        this.clientFactory = clientFactory;
        this.deadline = deadline;
        this.groups = groups;
    }

    /** Stubs with another deadline, sharing this factory's connections and replica groups. */
    public GrpcClientFactory withDeadline(Duration otherDeadline) {
        return new GrpcClientFactory(tls, clientFactory, otherDeadline, groups);
    }

    /** Stubs on other connections (presenting {@code tls}'s certificate), sharing this factory's replica groups. */
    public GrpcClientFactory withConnections(ClientFactory otherConnections) {
        return new GrpcClientFactory(tls, otherConnections, deadline, groups);
    }

    /**
     * A stub of {@code stubType} for the service at {@code endpoint}: {@code host:port},
     * {@code host:port,host:port,...} or {@code dns:host:port}.
     */
    public <T> T newStub(String endpoint, Class<T> stubType) {
        return builder(endpoint, stubType).build(stubType);
    }

    private GrpcClientBuilder builder(String endpoint, Class<?> stubType) {
        EndpointSetting setting = EndpointSetting.parse("The endpoint", endpoint);
        GrpcClientBuilder builder;
        if (setting instanceof EndpointSetting.Fixed fixed && fixed.isSingle()) {
            builder = GrpcClients.builder(tls.uri(endpoint.trim()));
        } else {
            EjectingEndpointGroup group = groups.group(endpoint, setting);
            // Added first, so it is inside the retries: each attempt counts for its own replica.
            builder = GrpcClients.builder(groups.protocol(), group).decorator(group.outcomeRecorder());
        }
        builder.factory(clientFactory)
               .responseTimeout(deadline)
               .exceptionHandler(LOST_CONNECTION.orElse(GrpcExceptionHandlerFunction.of()))
               .decorator(SafeRetries.decorator(SafeRetries.serviceOf(stubType)));
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
        return builder(endpoint, stubType).maxResponseLength(0)
                                          .maxResponseMessageLength(maxMessageBytes)
                                          .option(GrpcClientOptions.UNSAFE_WRAP_RESPONSE_BUFFERS, wrapResponseBuffers)
                                          .build(stubType);
    }

    public Duration deadline() {
        return deadline;
    }

    /** Closes the replica groups (their health checks and DNS queries); the stubs made here stop working. */
    @Override
    public void close() {
        groups.close();
    }
}
