package io.mediamesh.gateway.file;

import com.linecorp.armeria.client.ClientRequestContextCaptor;
import com.linecorp.armeria.client.Clients;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.multipart.BodyPart;
import com.linecorp.armeria.common.multipart.Multipart;
import com.linecorp.armeria.common.util.SafeCloseable;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.UploadVideoFileMetadata;
import io.mediamesh.api.v1.UploadVideoFileResponse;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.gateway.MediaSvcClients;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.PathParams;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * {@code POST /upload/videos/:vid}: the body (raw, or the multipart field {@code file}) streams
 * to media-svc's UploadVideoFile, which checks the caller owns the video before taking any byte,
 * enforces the size limit and the container check while the bytes flow, and marks the video
 * ready. Answers {@code {vid, size, sha256}}.
 */
public final class UploadRoutes {
    /** The multipart field that holds the file. */
    public static final String FILE_FIELD = "file";

    private final MediaSvcClients mediaSvc;
    private final FileRouteSettings settings;

    public UploadRoutes(MediaSvcClients mediaSvc, FileRouteSettings settings) {
        this.mediaSvc = mediaSvc;
        this.settings = settings;
    }

    @Post("/upload/videos/{vid}")
    public CompletableFuture<HttpResponse> upload(ServiceRequestContext ctx, HttpRequest request,
                                                  @Param("vid") String vid) {
        long videoId = PathParams.id(vid, "vid");
        MediaType contentType = request.contentType();
        CompletableFuture<UploadVideoFileResponse> result;
        if (contentType != null && contentType.is(MediaType.MULTIPART_FORM_DATA)) {
            result = uploadFilePart(ctx, request, videoId);
        } else {
            UploadVideoFileMetadata.Builder metadata = metadata(videoId, contentType);
            long length = request.headers().contentLength();
            if (length >= 0) {
                metadata.setDeclaredSize(length);
            }
            FileUpload upload = start(ctx, request.headers(), metadata.build());
            request.subscribe(upload.bodyReader(), ctx.eventLoop());
            result = upload.result();
        }
        return result.thenApply(response -> Envelope.ok(new UploadView(
                videoId, response.getStat().getSize(), response.getStat().getSha256())));
    }

    /** Reads the parts in order: the first {@value #FILE_FIELD} part is uploaded, the others skipped. */
    private CompletableFuture<UploadVideoFileResponse> uploadFilePart(ServiceRequestContext ctx, HttpRequest request,
                                                                       long videoId) {
        CompletableFuture<UploadVideoFileResponse> result = new CompletableFuture<>();
        Multipart multipart;
        try {
            multipart = Multipart.from(request);
        } catch (IllegalArgumentException e) {
            throw new MediameshException(ErrorCode.MALFORMED_BODY, "The multipart body has no boundary.");
        }
        multipart.bodyParts().subscribe(new Subscriber<BodyPart>() {
            private Subscription parts;
            private boolean found;

            @Override
            public void onSubscribe(Subscription subscription) {
                parts = subscription;
                subscription.request(1);
            }

            @Override
            public void onNext(BodyPart part) {
                if (!found && FILE_FIELD.equals(part.name())) {
                    found = true;
                    FileUpload upload = start(ctx, request.headers(),
                                              metadata(videoId, part.headers().contentType()).build());
                    part.content().subscribe(upload.bodyReader(), ctx.eventLoop());
                    upload.result().whenComplete((response, failure) -> {
                        if (failure != null) {
                            result.completeExceptionally(failure);
                            parts.cancel();
                        } else {
                            result.complete(response);
                        }
                    });
                } else {
                    part.content().subscribe(new Discard(), ctx.eventLoop());
                }
                parts.request(1);
            }

            @Override
            public void onError(Throwable cause) {
                result.completeExceptionally(
                        new MediameshException(ErrorCode.MALFORMED_BODY, "The multipart body is malformed."));
            }

            @Override
            public void onComplete() {
                if (!found) {
                    result.completeExceptionally(new MediameshException(
                            ErrorCode.MISSING_FIELD, "The multipart field \"" + FILE_FIELD + "\" is required."));
                }
            }
        }, ctx.eventLoop());
        return result;
    }

    /** Starts the gRPC call as the client's session and sends its metadata. */
    private FileUpload start(ServiceRequestContext ctx, HttpHeaders headers, UploadVideoFileMetadata metadata) {
        FileUpload upload = new FileUpload(ctx, settings.uploadChunk(), settings.idleTimeout());
        Optional<String> sessionId = Calls.sessionId(ctx.request().headers());
        try (ClientRequestContextCaptor captor = Clients.newContextCaptor();
             SafeCloseable ignored = sessionId.isPresent()
                     ? Clients.withHeader(Callers.SESSION_HEADER, sessionId.get()) : () -> { }) {
            mediaSvc.uploads().uploadVideoFile(upload);
            upload.started(captor.get(), metadata);
        }
        return upload;
    }

    private static UploadVideoFileMetadata.Builder metadata(long videoId, MediaType contentType) {
        UploadVideoFileMetadata.Builder metadata = UploadVideoFileMetadata.newBuilder().setVideoId(videoId);
        if (contentType != null) {
            metadata.setContentType(contentType.toString());
        }
        return metadata;
    }

    /** What an upload answers. */
    record UploadView(long vid, long size, String sha256) {}

    /** Reads a part nobody needs and lets its bytes go. */
    private static final class Discard implements Subscriber<Object> {
        @Override
        public void onSubscribe(Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Object piece) {
            if (piece instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // Releasing a buffer does not fail.
                }
            }
        }

        @Override
        public void onError(Throwable cause) {
            // The file part's reader reports the failure.
        }

        @Override
        public void onComplete() {
            // Nothing to do.
        }
    }
}
