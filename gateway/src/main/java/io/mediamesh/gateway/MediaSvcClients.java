package io.mediamesh.gateway;

import com.linecorp.armeria.client.ClientFactory;
import io.mediamesh.api.v1.VideoFileServiceGrpc.VideoFileServiceFutureStub;
import io.mediamesh.api.v1.VideoFileServiceGrpc.VideoFileServiceStub;
import io.mediamesh.common.client.GrpcClientFactory;

/**
 * The stubs of media-svc's services. Streams use async stubs, whose calls the file routes drive by
 * hand (flow control) and keep alive while they make progress.
 *
 * @param reads for ReadVideoFile: its messages reference the received buffers (no copy), and each
 *        must be released with GrpcUnsafeBufferUtil once read
 * @param uploads for UploadVideoFile
 * @param files for the unary calls (StatVideoFile)
 */
public record MediaSvcClients(VideoFileServiceStub reads, VideoFileServiceStub uploads,
                              VideoFileServiceFutureStub files) {
    /** A file chunk (at most 1 MiB, files.proto) with room for its framing. */
    private static final int MAX_MESSAGE_BYTES = 2 * 1024 * 1024;
    /** What one stream may have in flight between media-svc and this gateway (HTTP/2 stream window). */
    private static final int STREAM_WINDOW = 1024 * 1024;

    /**
     * @param streaming stubs over {@link #streamingConnections} connections
     * @param unary stubs for the unary calls
     */
    public static MediaSvcClients create(GrpcClientFactory streaming, GrpcClientFactory unary, String endpoint) {
        return new MediaSvcClients(
                streaming.newStreamingStub(endpoint, VideoFileServiceStub.class, MAX_MESSAGE_BYTES, true),
                streaming.newStreamingStub(endpoint, VideoFileServiceStub.class, MAX_MESSAGE_BYTES, false),
                unary.newStub(endpoint, VideoFileServiceFutureStub.class));
    }

    /**
     * Connections for file streams, on {@code base}'s event loops. Downloads share an HTTP/2
     * connection, and the data a stalled client has not taken stays counted against the
     * connection's window: so the connection window holds a full stream window for each of the
     * {@code streams} streams the limiter lets in (one stalled client then never holds up the
     * others), which also bounds what this gateway can hold for them. Large frames carry a chunk
     * in one piece.
     */
    public static ClientFactory streamingConnections(ClientFactory base, int streams) {
        long connectionWindow = (long) STREAM_WINDOW * (streams + 1);
        return ClientFactory.builder()
                            .workerGroup(base.eventLoopGroup(), false)
                            .http2InitialStreamWindowSize(STREAM_WINDOW)
                            .http2InitialConnectionWindowSize((int) Math.min(Integer.MAX_VALUE, connectionWindow))
                            .http2MaxFrameSize(MAX_MESSAGE_BYTES)
                            .build();
    }
}
