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
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.gateway.GatewayFileSettings;
import io.mediamesh.gateway.http.Envelope;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upload routes, {@code POST /upload/videos/:vid} and tus under {@code /upload/resumable},
 * passed on to media-svc's file server as they are, body streamed both ways with backpressure; the
 * file server authorizes, checks, stores and answers. A multipart form's {@value #FILE_FIELD} field
 * goes on as the raw body the file server takes. The client's address travels in
 * {@code X-Forwarded-For}; the Host it used stays, so that the file server judges the request's
 * origin as the client sent it.
 */
public final class UploadProxy implements HttpService {
    private static final Logger logger = LoggerFactory.getLogger(UploadProxy.class);
    /** The multipart field that holds the file. */
    public static final String FILE_FIELD = "file";

    private final WebClient files;

    public UploadProxy(WebClient files) {
        this.files = files;
    }

    /**
     * Connections to the file server on {@code eventLoops} that outlast a file server taking no bytes
     * for {@link GatewayFileSettings#stallTimeout}. Armeria sets TCP_USER_TIMEOUT to a client's idle
     * timeout plus 5 s; with the default 10 s, a file server whose disk paused reading for 15 s had the
     * kernel end the upload with ETIMEDOUT, though the file server would have taken the rest.
     */
    public static ClientFactory connections(GatewayFileSettings settings, MeshTls tls, EventLoopGroup eventLoops) {
        return tls.configure(ClientFactory.builder().workerGroup(eventLoops, false))
                  .idleTimeout(settings.stallTimeout()).build();
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
        HttpRequest body = onRequestLoop(ctx, request);
        MediaType type = body.contentType();
        if (type != null && type.is(MediaType.MULTIPART_FORM_DATA) && ctx.path().startsWith("/upload/videos/")) {
            return HttpResponse.of(filePart(ctx, body));
        }
        return forward(body.withHeaders(forwardedFor(ctx, body.headers().toBuilder())));
    }

    /**
     * The request, its body taken off on the event loop that reads it from the client. Armeria's HTTP/1
     * inbound flow control counts bytes up where it reads and down where they are consumed, and turns
     * reading off and on from each side without a lock (InboundTrafficController, 1.35). Consumed on
     * the file server connection's event loop instead, a body could cross the low mark there just
     * before the reading side turned reading off: reading then stayed off with nothing left to consume,
     * and the upload stalled until the file server's idle timeout (1 in about 65 fresh uploads of
     * 48 MiB, with 1.7 MB unread in the gateway's socket).
     */
    private static HttpRequest onRequestLoop(ServiceRequestContext ctx, HttpRequest request) {
        return request.subscribeOn(ctx.eventLoop());
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

    /** A file server that gave no answer is a 503 (RestErrors renders it); anything else is a failure. */
    private static HttpResponse unreachable(Throwable cause) {
        if (cause instanceof UnprocessedRequestException || cause instanceof ConnectException) {
            return unavailable("The file server did not answer.");
        }
        if (cause instanceof ClosedSessionException || cause instanceof ClosedStreamException) {
            // The file server ends an upload that stalled past its idle timeout, or it stopped: no answer came.
            logger.warn("The file server closed an upload before answering: {}", cause.toString());
            return unavailable("The file server closed the upload before answering.");
        }
        if (cause instanceof IOException) {
            // The connection broke (reset, or timed out by the kernel): what broke is for the log only.
            logger.warn("The connection to the file server broke during an upload: {}", cause.toString());
            return unavailable("The connection to the file server broke before it answered.");
        }
        return HttpResponse.ofFailure(cause);
    }

    private static HttpResponse unavailable(String message) {
        return HttpResponse.ofFailure(new MediameshException(ErrorCode.SERVICE_UNAVAILABLE, message));
    }
}
