package io.mediamesh.media.fileserver;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.envelope.EnvelopeJson;
import io.mediamesh.common.error.ErrorCatalog;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One request on a connection of the file server and its one response. Handlers answer with one of
 * the {@code respond*} methods from any thread; the response is written on the connection's event
 * loop. {@link #whenDone()} completes once when the response was written in full or the connection
 * closed first, which is when a transfer's token goes back.
 *
 * <p>A request body reaches the handler that asked for it with {@link #receiveBody}. A body still
 * arriving when the answer is out (a refusal mid-upload) is read and dropped for a little while
 * ({@value #LINGER_MILLIS} ms, {@value #LINGER_BYTES} bytes at most), so that the client, still
 * sending, gets to read the answer; then the connection is closed, so that a client is never made to
 * send gigabytes that will be thrown away. A client that sent {@code Expect: 100-continue} is told to
 * send its body only when a handler asks for it.
 */
public final class Exchange {
    static final long LINGER_MILLIS = 5_000;
    static final long LINGER_BYTES = 64L * 1024 * 1024;

    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final QueryStringDecoder uri;
    private final InetAddress client;
    private final Runnable nextRequest;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final List<HttpContent> early = new ArrayList<>();
    private Consumer<HttpContent> body;
    private boolean bodyEnded;
    private boolean responded;
    private boolean closeAfterResponse;
    private boolean lingering;
    private long lingered;

    /** {@code nextRequest} runs on the event loop once the response is out and the connection stays open. */
    Exchange(ChannelHandlerContext ctx, HttpRequest request, InetAddress client, Runnable nextRequest) {
        this.ctx = ctx;
        this.request = request;
        this.uri = new QueryStringDecoder(request.uri());
        this.client = client;
        this.nextRequest = nextRequest;
        this.bodyEnded = !HttpUtil.isContentLengthSet(request) && !HttpUtil.isTransferEncodingChunked(request);
    }

    public HttpMethod method() {
        return request.method();
    }

    /** The path as sent (percent-encoded), which is what routes match ids in. */
    public String rawPath() {
        return uri.rawPath();
    }

    public HttpHeaders headers() {
        return request.headers();
    }

    /** The request's Content-Length, or -1 when it has none (a chunked body, or no body). */
    public long declaredLength() {
        return HttpUtil.getContentLength(request, -1L);
    }

    /** The client's address, as told by a trusted proxy when there is one in front. */
    public InetAddress client() {
        return client;
    }

    public ChannelHandlerContext channelContext() {
        return ctx;
    }

    /** Completes when the response is out in full, or the connection closed before. */
    public CompletableFuture<Void> whenDone() {
        return done;
    }

    /**
     * Hands the body's pieces, in order and on the event loop, to {@code consumer}, which owns (and
     * releases) each; the last one is a {@link LastHttpContent}. Reading stops while the consumer
     * turns reading off ({@code channel().config().setAutoRead(false)}).
     */
    public void receiveBody(Consumer<HttpContent> consumer) {
        ctx.executor().execute(() -> {
            if (!bodyEnded && HttpUtil.is100ContinueExpected(request)) {
                // The client (or the gateway on its behalf) waits for this before it sends the body: it
                // comes only once the upload was let in, so a refused one never sends its bytes.
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                                                              Unpooled.EMPTY_BUFFER));
            }
            body = consumer;
            List<HttpContent> pending = List.copyOf(early);
            early.clear();
            pending.forEach(consumer);
            if (!bodyEnded) {
                ctx.channel().config().setAutoRead(true);
            }
        });
    }

    /** Called by the connection with each piece of the body, on the event loop. */
    void onContent(HttpContent content) {
        if (content instanceof LastHttpContent) {
            bodyEnded = true;
        }
        if (lingering) {
            lingered += content.content().readableBytes();
            content.release();
            if (bodyEnded || lingered > LINGER_BYTES) {
                ctx.close();
            }
        } else if (body != null) {
            body.accept(content);
        } else if (!responded) {
            // Until a handler asks for it (it is deciding, e.g. authorizing): keep it, read no further.
            early.add(content);
            ctx.channel().config().setAutoRead(false);
        } else {
            content.release();
        }
    }

    boolean bodyEnded() {
        return bodyEnded;
    }

    boolean closesAfterResponse() {
        return closeAfterResponse || !bodyEnded || !HttpUtil.isKeepAlive(request);
    }

    /**
     * A response whose body the caller writes next, then ends with {@link #finish}; {@code ifNotSent}
     * runs instead when there is nobody left to answer (the connection closed, or another answer went
     * first), to free what the body would have used.
     */
    public void respondHeaders(HttpResponse response, Consumer<ChannelHandlerContext> writeBody, Runnable ifNotSent) {
        ctx.executor().execute(() -> {
            if (!claim()) {
                ifNotSent.run();
                return;
            }
            prepare(response);
            ctx.write(response);
            writeBody.accept(ctx);
        });
    }

    /** Ends a response whose body was written by {@link #respondHeaders}'s writer. */
    public void finish(ChannelFuture lastWrite) {
        lastWrite.addListener(future -> complete(future.isSuccess()));
    }

    /** A whole response: headers and a small body. */
    public void respond(HttpResponseStatus status, HttpHeaders headers, byte[] content) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        response.headers().set(headers);
        HttpUtil.setContentLength(response, content.length);
        respondHeaders(response, ctx -> finish(ctx.writeAndFlush(
                new DefaultLastHttpContent(Unpooled.wrappedBuffer(content)))), () -> {});
    }

    /** A body-less response whose headers describe a body (HEAD, 304). */
    public void respondEmpty(HttpResponse response) {
        respondHeaders(response, ctx -> finish(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)), () -> {});
    }

    /** The envelope {@code {"code": "ok", "response": payload}}. */
    public void respondOk(HttpResponseStatus status, Object payload) {
        respond(status, jsonHeaders(), EnvelopeJson.ok(payload));
    }

    /** An error in the envelope, with the status the catalog gives its code (and a 503 its Retry-After). */
    public void respondError(ErrorCode code, String message) {
        respondError(code, message, new DefaultHttpHeaders());
    }

    /** As {@link #respondError(ErrorCode, String)}, with {@code extra} headers; a Retry-After among them wins. */
    public void respondError(ErrorCode code, String message, HttpHeaders extra) {
        HttpHeaders headers = jsonHeaders().add(extra);
        if (!headers.contains(HttpHeaderNames.RETRY_AFTER)) {
            ErrorCatalog.retryAfter(code, Optional.empty())
                        .ifPresent(seconds -> headers.set(HttpHeaderNames.RETRY_AFTER, seconds));
        }
        respond(HttpResponseStatus.valueOf(ErrorCatalog.httpStatus(code)), headers, EnvelopeJson.error(code, message));
    }

    /** Closes the connection once this response is out (after a failure mid-body, say). */
    public void closeAfterResponse() {
        ctx.executor().execute(() -> closeAfterResponse = true);
    }

    /** Cuts the response short: the connection closes, and the client sees a truncated body. */
    public void abort() {
        ctx.executor().execute(() -> ctx.close());
    }

    public static HttpHeaders jsonHeaders() {
        return new DefaultHttpHeaders()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON + "; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    }

    public static HttpResponse headersOnly(HttpResponseStatus status) {
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    }

    /** The connection went away: whatever was under way ends now. */
    void connectionClosed() {
        early.forEach(HttpContent::release);
        early.clear();
        done.complete(null);
    }

    private boolean claim() {
        if (responded || !ctx.channel().isActive()) {
            return false;
        }
        responded = true;
        return true;
    }

    private void prepare(HttpResponse response) {
        boolean close = closesAfterResponse();
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        // The gateway's security headers, for the same public: a file is never sniffed, framed or referred on.
        response.headers().set("X-Content-Type-Options", "nosniff")
                .set("X-Frame-Options", "DENY")
                .set("Referrer-Policy", "strict-origin-when-cross-origin");
    }

    private void complete(boolean written) {
        done.complete(null);
        if (!written || closeAfterResponse || !HttpUtil.isKeepAlive(request)) {
            ctx.close();
        } else if (!bodyEnded) {
            linger();
        } else {
            nextRequest.run();
        }
    }

    /** Reads what is left of the body into nothing, for a while, then closes. */
    private void linger() {
        lingering = true;
        body = null;
        early.forEach(HttpContent::release);
        early.clear();
        ctx.executor().schedule((Runnable) ctx::close, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        ctx.channel().config().setAutoRead(true);
    }
}
