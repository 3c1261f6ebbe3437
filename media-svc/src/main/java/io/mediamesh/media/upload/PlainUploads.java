package io.mediamesh.media.upload;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.media.file.FileSettings;
import io.mediamesh.media.file.StoredVideoFile;
import io.mediamesh.media.file.VideoFileStore;
import io.mediamesh.media.file.VideoFileUpload;
import io.mediamesh.media.fileserver.CrossSiteRule;
import io.mediamesh.media.fileserver.Exchange;
import io.mediamesh.media.fileserver.Failures;
import io.mediamesh.media.fileserver.FileRoute;
import io.mediamesh.media.fileserver.RequestSession;
import io.mediamesh.media.fileserver.TransferLimits;
import io.mediamesh.media.fileserver.VideoIdPath;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code POST /upload/videos/:vid} with the file as the raw body (the gateway turns a multipart form
 * into one): the owner (or an admin) replaces the video's file in one request. Authorized before any
 * byte is read; the bytes go to a temporary file, hashed and checked (size limit, the owner's
 * stored-bytes quota, container) as they come; the file takes the video's place only when complete
 * and checked, and the video becomes READY.
 * Any failure, or the client going away, leaves nothing behind.
 */
public final class PlainUploads implements FileRoute {
    private static final VideoIdPath PATH = new VideoIdPath("/upload/videos/");

    private final VideoFileStore store;
    private final UploadAuthority authority;
    private final TransferLimits limits;
    private final Executor blocking;
    private final FileSettings settings;

    public PlainUploads(VideoFileStore store, UploadAuthority authority, TransferLimits limits, Executor blocking,
                        FileSettings settings) {
        this.store = store;
        this.authority = authority;
        this.limits = limits;
        this.blocking = blocking;
        this.settings = settings;
    }

    /** What an upload answers: the stored file. */
    record Stored(long vid, long size, String sha256) {
        static Stored of(StoredVideoFile file) {
            return new Stored(file.videoId(), file.size(), file.sha256());
        }
    }

    @Override
    public boolean handles(String rawPath) {
        return PATH.owns(rawPath);
    }

    @Override
    public void serve(Exchange exchange) {
        if (!exchange.method().equals(HttpMethod.POST)) {
            exchange.respondError(ErrorCode.METHOD_NOT_ALLOWED, "A video's file is uploaded with POST.",
                                  new DefaultHttpHeaders().set(HttpHeaderNames.ALLOW, "POST"));
            return;
        }
        OptionalLong id = PATH.videoId(exchange);
        if (id.isEmpty()) {
            return;
        }
        long videoId = id.getAsLong();
        String session = RequestSession.idOf(exchange.headers());
        long declared = exchange.declaredLength();
        CompletableFuture.supplyAsync(() -> {
            CrossSiteRule.check(exchange.headers());
            UploadAuthority.Grant grant = authority.authorize(session, videoId);
            if (declared == 0) {
                throw Uploads.empty();
            }
            // A declared size over the file limit or the quota left is refused before any byte is
            // read; an undeclared one is cut off as soon as it crosses either.
            grant.sizeLimit(settings.maxSize()).check(declared);
            return grant;
        }, blocking).whenComplete((grant, failure) -> {
            if (failure != null) {
                Failures.respond(exchange, failure);
            } else if (limits.admitUpload(exchange, Uploads.client(grant.userId()))) {
                receive(exchange, grant);
            }
        });
    }

    private void receive(Exchange exchange, UploadAuthority.Grant grant) {
        VideoFileUpload upload = store.startUpload(grant.videoId(), grant.sizeLimit(settings.maxSize()));
        BodyPump.start(exchange, blocking, upload::write).done()
                .thenApplyAsync(size -> store.commit(upload, grant::markReady), blocking)
                .whenCompleteAsync((stored, failure) -> {
                    upload.close();
                    if (failure != null) {
                        Failures.respond(exchange, failure);
                    } else {
                        exchange.respondOk(HttpResponseStatus.OK, Stored.of(stored));
                    }
                }, blocking);
    }
}
