package io.mediamesh.media.fileserver;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.envelope.EnvelopeJson;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.1 connection of the file server: requests are served one at a time, in order. While
 * one is under way nothing more is read, unless its handler asks for the body, so a pipelining
 * client is held to one request and one body in memory.
 */
final class FileConnection extends ChannelInboundHandlerAdapter {
    private static final Logger logger = LoggerFactory.getLogger(FileConnection.class);
    private static final String HTTP2_PREFACE_METHOD = "PRI";

    private final Consumer<Exchange> routes;
    private final ClientAddresses addresses;
    private final Queue<Object> held = new ArrayDeque<>();
    private Exchange current;

    FileConnection(Consumer<Exchange> routes, ClientAddresses addresses) {
        this.routes = routes;
        this.addresses = addresses;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        held.add(msg);
        drain(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            // A stalled client (or one that stopped reading mid-file) gives its place back. Logged
            // with the request it cuts short, since that client is told nothing more.
            if (current != null) {
                logger.info("File server connection {} made no progress for the idle timeout; closing it " +
                            "during {} {}", ctx.channel(), current.method(), current.rawPath());
            }
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        held.forEach(ReferenceCountUtil::release);
        held.clear();
        if (current != null) {
            current.connectionClosed();
            current = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("File server connection {} failed", ctx.channel(), cause);
        ctx.close();
    }

    /** Hands held messages on in order; a request waits while another one is under way. */
    private void drain(ChannelHandlerContext ctx) {
        while (!held.isEmpty()) {
            Object msg = held.peek();
            if (msg instanceof HttpRequest && current != null) {
                ctx.channel().config().setAutoRead(false);
                return;
            }
            held.poll();
            if (msg instanceof HttpRequest request) {
                start(ctx, request);
            }
            if (msg instanceof HttpContent content) {
                if (current != null) {
                    current.onContent(content);
                } else {
                    content.release();
                }
            }
        }
        if (current == null) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void start(ChannelHandlerContext ctx, HttpRequest request) {
        current = new Exchange(ctx, request,
                               addresses.client(((InetSocketAddress) ctx.channel().remoteAddress()).getAddress(),
                                                request.headers()),
                               () -> {
                                   current = null;
                                   drain(ctx);
                               });
        if (request.decoderResult().isFailure()) {
            current.closeAfterResponse();
            current.respondError(ErrorCode.INVALID_REQUEST, "The request is not valid HTTP/1.1.");
            return;
        }
        String expect = request.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.trim())) {
            current.closeAfterResponse();
            current.respond(HttpResponseStatus.EXPECTATION_FAILED, Exchange.jsonHeaders(),
                            EnvelopeJson.error(ErrorCode.INVALID_REQUEST, "The only expectation served is 100-continue."));
            return;
        }
        if (request.method().name().equals(HTTP2_PREFACE_METHOD)) {
            // An HTTP/2 client with prior knowledge: an HTTP/1.1 answer tells it to fall back at once.
            current.closeAfterResponse();
            current.respond(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, Exchange.jsonHeaders(),
                            EnvelopeJson.error(ErrorCode.INVALID_REQUEST, "This server speaks HTTP/1.1 only."));
            return;
        }
        try {
            routes.accept(current);
        } catch (RuntimeException e) {
            logger.warn("File server route failed on {} {}", request.method(), request.uri(), e);
            current.closeAfterResponse();
            current.respondError(ErrorCode.INTERNAL_ERROR, "The file server failed.");
        }
    }
}
