package io.mediamesh.gateway.file;

import com.google.protobuf.UnsafeByteOperations;
import com.linecorp.armeria.client.ClientRequestContext;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpObject;
import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.UploadVideoFileMetadata;
import io.mediamesh.api.v1.UploadVideoFileRequest;
import io.mediamesh.api.v1.UploadVideoFileResponse;
import io.mediamesh.common.error.MediameshException;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * One upload: an HTTP request body (or a multipart part's content) pumped into an UploadVideoFile
 * client stream with backpressure both ways. The body is read one piece at a time, and only while
 * the gRPC call is ready, so a slow media-svc slows the client down instead of filling this
 * gateway's memory. Pieces are gathered into chunks of the configured size. media-svc's answer,
 * success or failure, ends the upload at once: a refusal (401, 403, 413, 415, ...) is answered
 * while the client is still sending. The body side runs on the request's event loop.
 */
final class FileUpload implements ClientResponseObserver<UploadVideoFileRequest, UploadVideoFileResponse> {
    private final ServiceRequestContext ctx;
    private final EventExecutor loop;
    private final int chunkSize;
    private final Duration idleTimeout;
    private final CompletableFuture<UploadVideoFileResponse> result = new CompletableFuture<>();
    private final BodyReader bodyReader = new BodyReader();
    private ClientCallStreamObserver<UploadVideoFileRequest> call;
    private ClientRequestContext clientCtx;

    FileUpload(ServiceRequestContext ctx, int chunkSize, Duration idleTimeout) {
        this.ctx = ctx;
        this.loop = ctx.eventLoop();
        this.chunkSize = chunkSize;
        this.idleTimeout = idleTimeout;
    }

    /** media-svc's answer, or the failure that ended the upload. */
    CompletableFuture<UploadVideoFileResponse> result() {
        return result;
    }

    /** What reads the body: subscribe it to the bytes to upload, on the request's event loop. */
    Subscriber<HttpObject> bodyReader() {
        return bodyReader;
    }

    /**
     * Called once the call is started, with its context (whose response timeout becomes an idle
     * timeout): sends the metadata, which media-svc authorizes before taking any byte.
     */
    void started(ClientRequestContext context, UploadVideoFileMetadata metadata) {
        clientCtx = context;
        call.onNext(UploadVideoFileRequest.newBuilder().setMetadata(metadata).build());
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<UploadVideoFileRequest> requestStream) {
        call = requestStream;
        requestStream.setOnReadyHandler(() -> loop.execute(bodyReader::pull));
    }

    @Override
    public void onNext(UploadVideoFileResponse response) {
        result.complete(response);
    }

    @Override
    public void onError(Throwable t) {
        loop.execute(() -> {
            result.completeExceptionally(t);
            bodyReader.cancel();
        });
    }

    @Override
    public void onCompleted() {
        // The answer came with onNext.
    }

    /** Sends gathered bytes as one chunk; the array is handed over, not reused. */
    private void send(byte[] bytes, int length) {
        call.onNext(UploadVideoFileRequest.newBuilder().setChunk(UnsafeByteOperations.unsafeWrap(bytes, 0, length))
                                          .build());
        ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW, idleTimeout);
        if (clientCtx != null) {
            clientCtx.setResponseTimeout(TimeoutMode.SET_FROM_NOW, idleTimeout);
        }
    }

    /** Reads the body a piece at a time, asking for the next only when gRPC can take it. */
    private final class BodyReader implements Subscriber<HttpObject> {
        private Subscription body;
        private byte[] buffer;
        private int filled;
        private boolean pieceRequested;
        private boolean done;

        @Override
        public void onSubscribe(Subscription subscription) {
            body = subscription;
            if (result.isDone()) {
                cancel();
            } else {
                pull();
            }
        }

        @Override
        public void onNext(HttpObject piece) {
            pieceRequested = false;
            if (piece instanceof HttpData data) {
                try {
                    append(data.byteBuf());
                } finally {
                    data.close();
                }
            }
            pull();
        }

        @Override
        public void onError(Throwable cause) {
            done = true;
            // Cancels the call: media-svc deletes what it received.
            call.onError(cause);
            result.completeExceptionally(cause instanceof ContentTooLargeException ? cause
                    : new MediameshException(ErrorCode.INVALID_REQUEST, "The upload was interrupted."));
        }

        @Override
        public void onComplete() {
            done = true;
            if (result.isDone()) {
                return;
            }
            if (filled > 0) {
                send(buffer, filled);
            }
            call.onCompleted();
        }

        /** Asks for the next piece if none is pending and the call can take more. */
        void pull() {
            if (body != null && !done && !pieceRequested && !result.isDone() && call.isReady()) {
                pieceRequested = true;
                body.request(1);
            }
        }

        void cancel() {
            if (body != null && !done) {
                done = true;
                body.cancel();
            }
        }

        private void append(ByteBuf bytes) {
            if (result.isDone()) {
                return;
            }
            int offset = bytes.readerIndex();
            int end = bytes.writerIndex();
            while (offset < end) {
                if (buffer == null) {
                    buffer = new byte[chunkSize];
                }
                int take = Math.min(end - offset, chunkSize - filled);
                bytes.getBytes(offset, buffer, filled, take);
                filled += take;
                offset += take;
                if (filled == chunkSize) {
                    send(buffer, filled);
                    buffer = null;
                    filled = 0;
                }
            }
        }
    }
}
