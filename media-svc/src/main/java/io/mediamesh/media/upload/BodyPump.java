package io.mediamesh.media.upload;

import io.mediamesh.media.fileserver.ClientGone;
import io.mediamesh.media.fileserver.Exchange;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Moves a request body to a {@link Sink} on a blocking executor, one batch at a time, and reads from
 * the socket no faster than the sink takes it: past {@link #HIGH_WATER} bytes waiting, reading stops
 * until the batch under way is written. So an upload holds at most about twice that in memory, however
 * fast its client sends and however slow the disk is.
 *
 * <p>The pieces arrive on the connection's event loop; the sink sees them in order, never two
 * batches at once. {@link #done()} completes with the body's size once the last piece is written, or
 * with the sink's failure, or with {@link ClientGone} if the client went away first.
 */
final class BodyPump {
    /** Bytes waiting for the sink before reading stops. */
    static final int HIGH_WATER = 512 * 1024;

    private final Channel channel;
    private final Executor blocking;
    private final Sink sink;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private long pendingBytes;
    private long written;
    private boolean writing;
    private boolean ended;
    private boolean closed;

    /** Where the bytes go; called from the blocking executor, one call at a time. */
    interface Sink {
        void write(ByteBuffer bytes);
    }

    private BodyPump(Channel channel, Executor blocking, Sink sink) {
        this.channel = channel;
        this.blocking = blocking;
        this.sink = sink;
    }

    /** Starts receiving the exchange's body into {@code sink}. */
    static BodyPump start(Exchange exchange, Executor blocking, Sink sink) {
        BodyPump pump = new BodyPump(exchange.channelContext().channel(), blocking, sink);
        exchange.whenDone().thenRun(() -> pump.channel.eventLoop().execute(pump::connectionClosed));
        exchange.receiveBody(pump::accept);
        return pump;
    }

    CompletableFuture<Long> done() {
        return done;
    }

    private void accept(HttpContent content) {
        ByteBuf bytes = content.content();
        if (done.isDone() || closed) {
            content.release();
            return;
        }
        if (bytes.isReadable()) {
            pending.add(bytes);
            pendingBytes += bytes.readableBytes();
        } else {
            content.release();
        }
        if (content instanceof LastHttpContent) {
            ended = true;
        }
        if (pendingBytes >= HIGH_WATER) {
            channel.config().setAutoRead(false);
        }
        next();
    }

    /** Hands the waiting pieces to the sink, unless a batch is under way; ends when all is written. */
    private void next() {
        if (writing || done.isDone()) {
            return;
        }
        if (pending.isEmpty()) {
            if (ended) {
                done.complete(written);
            }
            return;
        }
        List<ByteBuf> batch = new ArrayList<>(pending);
        pending.clear();
        pendingBytes = 0;
        writing = true;
        if (!ended) {
            channel.config().setAutoRead(true);
        }
        blocking.execute(() -> {
            RuntimeException failure = null;
            long bytes = 0;
            try {
                for (ByteBuf buf : batch) {
                    bytes += buf.readableBytes();
                    for (ByteBuffer nio : buf.nioBuffers()) {
                        sink.write(nio);
                    }
                }
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                batch.forEach(ByteBuf::release);
            }
            RuntimeException failed = failure;
            long count = bytes;
            channel.eventLoop().execute(() -> written(count, failed));
        });
    }

    private void written(long count, RuntimeException failure) {
        writing = false;
        written += count;
        if (failure != null) {
            discardPending();
            done.completeExceptionally(failure);
        } else if (closed) {
            done.completeExceptionally(new ClientGone());
        } else {
            next();
        }
    }

    /** The client went away mid-body: what it sent so far stays written; the sink is done once no batch runs. */
    private void connectionClosed() {
        if (done.isDone() || ended) {
            return;
        }
        closed = true;
        discardPending();
        if (!writing) {
            done.completeExceptionally(new ClientGone());
        }
    }

    private void discardPending() {
        pending.forEach(ByteBuf::release);
        pending.clear();
        pendingBytes = 0;
    }
}
