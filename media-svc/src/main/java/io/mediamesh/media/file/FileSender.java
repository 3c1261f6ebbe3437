package io.mediamesh.media.file;

import com.google.protobuf.UnsafeByteOperations;
import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.stub.ServerCallStreamObserver;
import io.mediamesh.api.v1.ReadVideoFileHeader;
import io.mediamesh.api.v1.ReadVideoFileResponse;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Sends one range of an open file down a ReadVideoFile stream, a chunk at a time and only while
 * the call is ready (gRPC flow control), so a slow reader makes this service hold at most one
 * chunk, never the file. Every chunk sent restarts the call's idle timeout.
 */
final class FileSender {
    private final OpenVideoFile file;
    private final ServerCallStreamObserver<ReadVideoFileResponse> call;
    private final ServiceRequestContext ctx;
    private final int chunkSize;
    private final Duration idleTimeout;
    private long position;
    private long remaining;
    private boolean done;

    FileSender(OpenVideoFile file, long offset, long length, ServerCallStreamObserver<ReadVideoFileResponse> call,
               ServiceRequestContext ctx, int chunkSize, Duration idleTimeout) {
        this.file = file;
        this.call = call;
        this.ctx = ctx;
        this.chunkSize = chunkSize;
        this.idleTimeout = idleTimeout;
        this.position = offset;
        this.remaining = length;
    }

    /** Sends the header, then chunks as the reader makes room. Call from the RPC method. */
    void start(ReadVideoFileHeader header) {
        call.setOnCancelHandler(this::cancelled);
        call.setOnReadyHandler(this::pump);
        call.onNext(ReadVideoFileResponse.newBuilder().setHeader(header).build());
        pump();
    }

    private synchronized void pump() {
        try {
            while (!done && remaining > 0 && call.isReady()) {
                int size = (int) Math.min(chunkSize, remaining);
                // A new array per chunk: the message may still be in flight when the next is read.
                byte[] chunk = new byte[size];
                readFully(ByteBuffer.wrap(chunk));
                position += size;
                remaining -= size;
                call.onNext(ReadVideoFileResponse.newBuilder().setChunk(UnsafeByteOperations.unsafeWrap(chunk))
                                                 .build());
                ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW, idleTimeout);
            }
            if (!done && remaining == 0) {
                finish();
                call.onCompleted();
            }
        } catch (IOException e) {
            finish();
            call.onError(VideoFileStore.failure("read the file of video " + file.stat().videoId(), e));
        }
    }

    private void readFully(ByteBuffer buffer) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = file.channel().read(buffer, at);
            if (read < 0) {
                throw new EOFException("The file ended before its recorded size");
            }
            at += read;
        }
    }

    private synchronized void cancelled() {
        finish();
    }

    private void finish() {
        done = true;
        file.close();
    }
}
