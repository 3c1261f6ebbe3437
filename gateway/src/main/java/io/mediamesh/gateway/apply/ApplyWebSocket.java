package io.mediamesh.gateway.apply;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.websocket.WebSocket;
import com.linecorp.armeria.common.websocket.WebSocketCloseStatus;
import com.linecorp.armeria.common.websocket.WebSocketFrame;
import com.linecorp.armeria.common.websocket.WebSocketFrameType;
import com.linecorp.armeria.common.websocket.WebSocketWriter;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.websocket.WebSocketService;
import com.linecorp.armeria.server.websocket.WebSocketServiceHandler;
import io.mediamesh.api.v1.ApplyConfigRequest;
import io.mediamesh.api.v1.ApplyConfigResponse;
import io.mediamesh.api.v1.ApplyServiceGrpc.ApplyServiceStub;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.Role;
import io.mediamesh.api.v1.SessionServiceGrpc.SessionServiceFutureStub;
import io.mediamesh.api.v1.ValidateSessionRequest;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.JsonBody;
import io.mediamesh.gateway.http.RestErrors;
import java.util.Optional;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * WebSocket /api/admin/configs/apply/ws: the interactive apply. The client sends JSON text
 * messages ({@code start}, then {@code promote} and {@code cancel}, see {@link ApplyMessages});
 * every ApplyConfig message comes back as one JSON text message (see {@link ApplyViews}), and the
 * socket closes after the summary. A message the gateway cannot pass on is answered with an
 * {@code error} message and the socket stays open. Closing the socket leaves a running apply
 * going (a reloaded console finds it again through {@link ApplyHistoryRoutes} and promotes or cancels
 * it through {@link ApplyControlRoutes}); only a {@code cancel} message, or the promotion timeout, cancels it.
 * The upgrade needs an admin session (header or cookie), else 401/403 as for any admin route.
 */
public final class ApplyWebSocket implements WebSocketServiceHandler {
    public static final String PATH = "/api/admin/configs/apply/ws";

    private final ApplyServiceStub applies;
    private final SessionServiceFutureStub sessions;

    /**
     * @param applies a stub whose timeout bounds a whole apply
     * @param sessions  user-svc's sessions, to check the admin before upgrading
     */
    public ApplyWebSocket(ApplyServiceStub applies, SessionServiceFutureStub sessions) {
        this.applies = applies;
        this.sessions = sessions;
    }

    /** The route's service: the admin check, then the WebSocket (same-origin browsers only). */
    public HttpService service() {
        WebSocketService webSocket = WebSocketService.builder(this).build();
        return webSocket.decorate((delegate, ctx, req) -> {
            Optional<String> sessionId = Calls.sessionId(req.headers());
            if (sessionId.isEmpty()) {
                return error(ErrorCode.UNAUTHENTICATED, "A session is required.");
            }
            ValidateSessionRequest check = ValidateSessionRequest.newBuilder().setSessionId(sessionId.get()).build();
            return HttpResponse.of(Calls.anonymous(() -> sessions.validateSession(check)).handle((valid, failure) -> {
                if (failure != null) {
                    RestErrors.Failure rest = RestErrors.failureOf(ctx, failure);
                    return error(rest.code(), rest.message());
                }
                if (valid.getPrincipal().getRole() != Role.ROLE_ADMIN) {
                    return error(ErrorCode.PERMISSION_DENIED, "Only an admin may do this.");
                }
                try {
                    return delegate.serve(ctx, req);
                } catch (Exception e) {
                    return HttpResponse.ofFailure(e);
                }
            }));
        });
    }

    @Override
    public WebSocket handle(ServiceRequestContext ctx, WebSocket in) {
        WebSocketWriter out = WebSocket.streaming();
        in.subscribe(new Connection(ctx, ctx.request().headers(), out));
        return out;
    }

    private static HttpResponse error(ErrorCode code, String message) {
        return Envelope.error(HttpStatus.valueOf(ErrorCatalog.httpStatus(code)), code, message);
    }

    /** One client connection: its messages in, the apply's messages out. */
    private final class Connection implements Subscriber<WebSocketFrame> {
        private final ServiceRequestContext ctx;
        private final RequestHeaders headers;
        private final WebSocketWriter out;
        private Subscription subscription;
        private ApplyCall call;

        Connection(ServiceRequestContext ctx, RequestHeaders headers, WebSocketWriter out) {
            this.ctx = ctx;
            this.headers = headers;
            this.out = out;
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(WebSocketFrame frame) {
            try {
                if (frame.type() == WebSocketFrameType.TEXT) {
                    receive(frame.text());
                }
            } finally {
                frame.close();
                subscription.request(1);
            }
        }

        private void receive(String text) {
            try {
                ApplyConfigRequest message = ApplyMessages.fromWebSocket(JsonBody.parse(text));
                if (message.hasStart()) {
                    if (call != null) {
                        throw new MediameshException(ErrorCode.INVALID_REQUEST,
                                                     "This connection already started an apply.");
                    }
                    call = ApplyCall.open(applies, headers, new Replies());
                } else if (call == null) {
                    throw new MediameshException(ErrorCode.INVALID_REQUEST, "Send start first.");
                }
                call.send(message);
            } catch (MediameshException e) {
                out.tryWrite(Envelope.json(new ApplyViews.Error(e.code(), e.getMessage())));
            }
        }

        @Override
        public void onError(Throwable cause) {
            clientGone();
        }

        @Override
        public void onComplete() {
            clientGone();
        }

        private void clientGone() {
            if (call != null) {
                call.halfClose();
            }
            out.close();
        }

        /** config-svc's side, passed on as it comes. */
        private final class Replies implements ApplyCall.Listener {
            @Override
            public void onMessage(ApplyConfigResponse message) {
                out.tryWrite(Envelope.json(ApplyViews.of(message)));
            }

            @Override
            public void onError(Throwable cause) {
                RestErrors.Failure failure = RestErrors.failureOf(ctx, cause);
                out.tryWrite(Envelope.json(new ApplyViews.Error(failure.code(), failure.message())));
                out.close(WebSocketCloseStatus.NORMAL_CLOSURE, failure.code().name());
            }

            @Override
            public void onEnd() {
                out.close(WebSocketCloseStatus.NORMAL_CLOSURE, "The apply ended.");
            }
        }
    }
}
