package io.mediamesh.gateway.upload;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.ClosedSessionException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.multipart.BodyPart;
import com.linecorp.armeria.common.multipart.Multipart;
import com.linecorp.armeria.common.stream.ClosedStreamException;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.gateway.GatewayFileSettings;
import io.mediamesh.gateway.http.Envelope;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The upload routes, {@code POST /upload/videos/:vid} and tus under {@code /upload/resumable},
 * passed on to media-svc's file server as they are, body streamed both ways with backpressure; the
 * file server authorizes, checks, stores and answers. A multipart form's {@value #FILE_FIELD} field
 * goes on as the raw body the file server takes. The client's address travels in
 * {@code X-Forwarded-For}; the Host it used stays, so that the file server judges the request's
 * origin as the client sent it.
 */
public final class UploadProxy implements HttpService {
    /** The multipart field that holds the file. */
    public static final String FILE_FIELD = "file";

    private final WebClient files;

    public UploadProxy(WebClient files) {
        this.files = files;
    }

    /**
     * A client for the file server: no limit on bodies or on time, as a whole upload may take long;
     * the file server's idle timeout ends one that stalls, and with it this call.
     */
    public static WebClient client(GatewayFileSettings settings, ClientFactory factory) {
        return WebClient.builder("h1c://" + settings.endpoint()).factory(factory).maxResponseLength(0)
                        .responseTimeout(Duration.ZERO).build();
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest request) {
        MediaType type = request.contentType();
        if (type != null && type.is(MediaType.MULTIPART_FORM_DATA) && ctx.path().startsWith("/upload/videos/")) {
            return HttpResponse.of(filePart(ctx, request));
        }
        return forward(request.withHeaders(forwardedFor(ctx, request.headers().toBuilder())));
    }

    private HttpResponse forward(HttpRequest request) {
        return files.execute(request).recover(UploadProxy::unreachable);
    }

    private static RequestHeaders forwardedFor(ServiceRequestContext ctx, RequestHeadersBuilder headers) {
        String client = ctx.clientAddress().getHostAddress();
        String forwarded = headers.get("x-forwarded-for");
        return headers.set("x-forwarded-for", forwarded == null ? client : forwarded + ", " + client).build();
    }

    /** Reads the parts in order: the first {@value #FILE_FIELD} part is passed on, the others skipped. */
    private CompletableFuture<HttpResponse> filePart(ServiceRequestContext ctx, HttpRequest request) {
        CompletableFuture<HttpResponse> response = new CompletableFuture<>();
        Multipart multipart;
        try {
            multipart = Multipart.from(request);
        } catch (IllegalArgumentException e) {
            response.complete(Envelope.error(HttpStatus.BAD_REQUEST, ErrorCode.MALFORMED_BODY,
                                             "The multipart body has no boundary."));
            return response;
        }
        multipart.bodyParts().subscribe(new Subscriber<BodyPart>() {
            private Subscription parts;

            @Override
            public void onSubscribe(Subscription subscription) {
                parts = subscription;
                subscription.request(1);
            }

            @Override
            public void onNext(BodyPart part) {
                if (!response.isDone() && FILE_FIELD.equals(part.name())) {
                    MediaType partType = part.headers().contentType();
                    RequestHeadersBuilder headers = request.headers().toBuilder()
                            .contentType(partType == null ? MediaType.OCTET_STREAM : partType);
                    headers.remove(HttpHeaderNames.CONTENT_LENGTH);
                    response.complete(forward(HttpRequest.of(forwardedFor(ctx, headers), part.content())));
                } else {
                    part.content().subscribe(new Discard(), ctx.eventLoop());
                }
                parts.request(1);
            }

            @Override
            public void onError(Throwable cause) {
                response.complete(Envelope.error(HttpStatus.BAD_REQUEST, ErrorCode.MALFORMED_BODY,
                                                 "The multipart body is malformed."));
            }

            @Override
            public void onComplete() {
                response.complete(Envelope.error(HttpStatus.BAD_REQUEST, ErrorCode.MISSING_FIELD,
                                                 "The multipart field \"" + FILE_FIELD + "\" is required."));
            }
        }, ctx.eventLoop());
        return response;
    }

    /** Reads a part nobody needs and lets its bytes go. */
    private static final class Discard implements Subscriber<HttpData> {
        @Override
        public void onSubscribe(Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(HttpData piece) {
            piece.close();
        }

        @Override
        public void onError(Throwable cause) {
            // The multipart stream's own subscriber reports it.
        }

        @Override
        public void onComplete() {
            // Nothing was kept.
        }
    }

    private static HttpResponse unreachable(Throwable cause) {
        if (cause instanceof UnprocessedRequestException || cause instanceof ConnectException) {
            return Envelope.error(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.SERVICE_UNAVAILABLE,
                                  "The file server did not answer.");
        }
        if (cause instanceof ClosedSessionException || cause instanceof ClosedStreamException) {
            // The file server ends an upload that stalled past its idle timeout, or it stopped: no answer came.
            return Envelope.error(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.SERVICE_UNAVAILABLE,
                                  "The file server closed the upload before answering.");
        }
        return HttpResponse.ofFailure(cause);
    }
}
