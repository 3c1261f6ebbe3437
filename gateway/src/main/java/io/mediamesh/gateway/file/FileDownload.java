package io.mediamesh.gateway.file;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.ClientRequestContext;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.unsafe.grpc.GrpcUnsafeBufferUtil;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.mediamesh.api.v1.ReadVideoFileHeader;
import io.mediamesh.api.v1.ReadVideoFileRequest;
import io.mediamesh.api.v1.ReadVideoFileResponse;
import io.mediamesh.api.v1.VideoFileStat;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One GET of a video file: a ReadVideoFile stream turned into an HTTP response with end-to-end
 * backpressure. gRPC's automatic flow control is off: the next message is requested only when the
 * HTTP client has consumed the previous one, so a slow client holds this gateway to one chunk, and
 * media-svc to its flow-control window. Each chunk restarts both idle timeouts; a client that goes
 * away cancels the gRPC call.
 *
 * <p>Messages arrive wrapping the network buffer they were received in (see
 * {@link io.mediamesh.gateway.MediaSvcClients#reads()}); a chunk is copied once, into a pooled
 * direct buffer that the HTTP layer writes and frees, and the message is released at once.
 */
final class FileDownload implements ClientResponseObserver<ReadVideoFileRequest, ReadVideoFileResponse> {
    private final ServiceRequestContext ctx;
    private final boolean rangeAsked;
    private final Duration idleTimeout;
    private final CompletableFuture<HttpResponse> response = new CompletableFuture<>();
    private volatile ClientCallStreamObserver<ReadVideoFileRequest> call;
    private volatile ClientRequestContext clientCtx;
    private volatile HttpResponseWriter body;

    FileDownload(ServiceRequestContext ctx, boolean rangeAsked, Duration idleTimeout) {
        this.ctx = ctx;
        this.rangeAsked = rangeAsked;
        this.idleTimeout = idleTimeout;
    }

    /** Completes with the response once the stream's header arrived, or with the failure before it. */
    CompletableFuture<HttpResponse> response() {
        return response;
    }

    /** The started call's context, whose response timeout becomes an idle timeout. */
    void started(ClientRequestContext context) {
        this.clientCtx = context;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ReadVideoFileRequest> requestStream) {
        call = requestStream;
        requestStream.disableAutoRequestWithInitial(1);
    }

    @Override
    public void onNext(ReadVideoFileResponse message) {
        try {
            if (message.hasHeader()) {
                onHeader(message.getHeader());
            } else {
                onChunk(message.getChunk());
            }
        } finally {
            // Callbacks run with the call's context current.
            GrpcUnsafeBufferUtil.releaseBuffer(message, ClientRequestContext.current());
        }
    }

    private void onHeader(ReadVideoFileHeader header) {
        VideoFileStat stat = header.getStat();
        boolean partial = rangeAsked && !header.getRangeIgnored();
        var responseHeaders = FileHeaders.content(partial ? HttpStatus.PARTIAL_CONTENT : HttpStatus.OK, stat,
                                                  header.getLength());
        if (partial) {
            long last = header.getOffset() + header.getLength() - 1;
            responseHeaders.set(HttpHeaderNames.CONTENT_RANGE,
                                "bytes " + header.getOffset() + '-' + last + '/' + stat.getSize());
        }
        HttpResponseWriter writer = HttpResponse.streaming();
        writer.write(responseHeaders.build());
        // The client went away (or the response was aborted): stop media-svc at once.
        writer.whenComplete().exceptionally(cause -> {
            call.cancel("The HTTP response ended early.", cause);
            return null;
        });
        body = writer;
        response.complete(writer);
        requestNext();
    }

    private void onChunk(ByteString chunk) {
        HttpResponseWriter writer = body;
        ByteBuf copy = ctx.alloc().directBuffer(chunk.size());
        copy.writeBytes(chunk.asReadOnlyByteBuffer());
        if (writer == null || !writer.tryWrite(HttpData.wrap(copy))) {
            copy.release();
            call.cancel("The HTTP response is closed.", null);
            return;
        }
        writer.whenConsumed().thenRun(this::requestNext);
    }

    private void requestNext() {
        ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW, idleTimeout);
        ClientRequestContext context = clientCtx;
        if (context != null) {
            context.setResponseTimeout(TimeoutMode.SET_FROM_NOW, idleTimeout);
        }
        call.request(1);
    }

    @Override
    public void onError(Throwable t) {
        HttpResponseWriter writer = body;
        if (writer == null) {
            response.completeExceptionally(t);
        } else {
            // Headers are out: all that is left is to cut the response short.
            writer.abort(t);
        }
    }

    @Override
    public void onCompleted() {
        HttpResponseWriter writer = body;
        if (writer != null) {
            writer.close();
        } else {
            response.completeExceptionally(new IllegalStateException("media-svc sent no header"));
        }
    }
}
