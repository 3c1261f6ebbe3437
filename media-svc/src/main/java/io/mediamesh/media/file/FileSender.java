package io.mediamesh.media.file;

import com.google.protobuf.UnsafeByteOperations;
import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.stub.ServerCallStreamObserver;
import io.mediamesh.api.v1.ReadVideoFileHeader;
import io.mediamesh.api.v1.ReadVideoFileResponse;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;

/**
 * Sends one range of an open file down a ReadVideoFile stream, a chunk at a time and only while
 * the call is ready (gRPC flow control), so a slow reader makes this service hold at most one
 * chunk, never the file. Every chunk sent restarts the call's idle timeout.
 *
 * <p>Chunks are views of the file mapped into memory, not copies: the only copy is the one gRPC
 * makes when it frames the message. Each chunk's pages are loaded here, on the blocking executor,
 * so framing on the event loop never waits for the disk. Stored files never change, so a mapping
 * stays true; it outlives the channel and is released by the garbage collector.
 */
final class FileSender {
    /** Bytes mapped at once; a multiple of any chunk size up to 1 MiB. */
    private static final long SEGMENT = 64L * 1024 * 1024;

    private final OpenVideoFile file;
    private final ServerCallStreamObserver<ReadVideoFileResponse> call;
    private final ServiceRequestContext ctx;
    private final int chunkSize;
    private final Duration idleTimeout;
    private MappedByteBuffer segment;
    private long segmentStart;
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
                sendChunk();
                ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW, idleTimeout);
            }
            if (!done && remaining == 0) {
                finish();
                call.onCompleted();
            }
        } catch (IOException | RuntimeException e) {
            finish();
            call.onError(VideoFileStore.failure("read the file of video " + file.stat().videoId(),
                                                e instanceof IOException io ? io : new IOException(e)));
        }
    }

    private void sendChunk() throws IOException {
        if (segment == null || position >= segmentStart + segment.capacity()) {
            segmentStart = position;
            segment = file.channel().map(FileChannel.MapMode.READ_ONLY, position, Math.min(SEGMENT, remaining));
        }
        int size = (int) Math.min(Math.min(chunkSize, remaining), segmentStart + segment.capacity() - position);
        MappedByteBuffer chunk = segment.slice((int) (position - segmentStart), size);
        chunk.load();
        position += size;
        remaining -= size;
        call.onNext(ReadVideoFileResponse.newBuilder().setChunk(UnsafeByteOperations.unsafeWrap(chunk)).build());
    }

    private synchronized void cancelled() {
        finish();
    }

    private void finish() {
        done = true;
        file.close();
    }
}
