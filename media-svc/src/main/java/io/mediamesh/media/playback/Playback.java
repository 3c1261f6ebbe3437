package io.mediamesh.media.playback;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.media.file.OpenVideoFile;
import io.mediamesh.media.file.StoredVideoFile;
import io.mediamesh.media.file.VideoFileStore;
import io.mediamesh.media.file.VideoRecords;
import io.mediamesh.media.fileserver.Exchange;
import io.mediamesh.media.fileserver.Failures;
import io.mediamesh.media.fileserver.FileRoute;
import io.mediamesh.media.fileserver.TransferLimits;
import io.mediamesh.media.fileserver.VideoIdPath;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code GET}/{@code HEAD /stream/videos/:vid}: a video's bytes, public, with ranges and conditional
 * requests per RFC 9110. A video whose deletion was accepted is not served from that moment (user-svc
 * is asked on every request), even while its file waits for the scheduler. The file is sent with
 * {@code sendfile(2)}: a player that reads slowly, or not at all, costs a token and a connection, not
 * memory.
 *
 * <p>Caching: the bytes behind the URL change when the owner uploads again (the ETag is the file's
 * SHA-256, so it changes exactly then) and stop when the video is deleted, so caches may keep them
 * but must revalidate ({@code no-cache} by default): a revalidation costs a 304, and a deletion is
 * seen at once.
 */
public final class Playback implements FileRoute {
    private static final VideoIdPath PATH = new VideoIdPath("/stream/videos/");

    private final VideoFileStore store;
    private final VideoRecords videos;
    private final TransferLimits limits;
    private final Executor blocking;
    private final String cacheControl;

    public Playback(VideoFileStore store, VideoRecords videos, TransferLimits limits, Executor blocking,
                    String cacheControl) {
        this.store = store;
        this.videos = videos;
        this.limits = limits;
        this.blocking = blocking;
        this.cacheControl = cacheControl;
    }

    @Override
    public boolean handles(String rawPath) {
        return PATH.owns(rawPath);
    }

    @Override
    public void serve(Exchange exchange) {
        HttpMethod method = exchange.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            exchange.respondError(ErrorCode.METHOD_NOT_ALLOWED, "Videos are read with GET or HEAD.",
                                  new DefaultHttpHeaders().set(HttpHeaderNames.ALLOW, "GET, HEAD"));
            return;
        }
        OptionalLong id = PATH.videoId(exchange);
        if (id.isEmpty()) {
            return;
        }
        long videoId = id.getAsLong();
        // HEAD moves no bytes: it takes no token.
        if (method.equals(HttpMethod.GET) && !limits.admitStream(exchange)) {
            return;
        }
        CompletableFuture.supplyAsync(() -> open(videoId), blocking)
                         .whenComplete((file, failure) -> {
                             if (failure != null) {
                                 Failures.respond(exchange, failure);
                             } else {
                                 answer(exchange, file);
                             }
                         });
    }

    /** The file of a video that still exists (blocking: user-svc, then the disk). */
    private OpenVideoFile open(long videoId) {
        videos.get(videoId);
        return store.open(videoId);
    }

    private void answer(Exchange exchange, OpenVideoFile file) {
        StoredVideoFile stored = file.stat();
        try {
            if (Validators.notModified(exchange.headers(), stored)) {
                file.close();
                exchange.respondEmpty(describe(Exchange.headersOnly(HttpResponseStatus.NOT_MODIFIED), stored));
                return;
            }
            // Range applies to GET only (RFC 9110, 14.2): HEAD describes the whole file.
            boolean head = exchange.method().equals(HttpMethod.HEAD);
            Optional<ByteRange> range = head ? Optional.empty()
                                             : ByteRange.parse(exchange.headers().get(HttpHeaderNames.RANGE));
            FileSlice slice = FileSlice.plan(stored.size(), range, Validators.rangeVoided(exchange.headers(), stored));
            HttpResponse response = describe(Exchange.headersOnly(slice.partial() ? HttpResponseStatus.PARTIAL_CONTENT
                                                                                  : HttpResponseStatus.OK), stored);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, stored.container().contentType());
            HttpUtil.setContentLength(response, slice.length());
            if (slice.partial()) {
                response.headers().set(HttpHeaderNames.CONTENT_RANGE, slice.contentRange(stored.size()));
            }
            if (head) {
                file.close();
                exchange.respondEmpty(response);
                return;
            }
            // The region owns the channel from here: it is closed once sent, or when the connection drops.
            DefaultFileRegion region = new DefaultFileRegion(file.channel(), slice.offset(), slice.length());
            exchange.respondHeaders(response, ctx -> {
                ctx.write(region);
                exchange.finish(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
            }, region::release);
        } catch (RuntimeException e) {
            file.close();
            Failures.respond(exchange, e);
        }
    }

    private HttpResponse describe(HttpResponse response, StoredVideoFile file) {
        response.headers().set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES)
                .set(HttpHeaderNames.ETAG, file.etag())
                .set(HttpHeaderNames.LAST_MODIFIED, Validators.lastModified(file))
                .set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
        return response;
    }
}
