package io.mediamesh.gateway.apply;

import com.linecorp.armeria.common.RequestHeaders;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.mediamesh.api.v1.ApplyConfigRequest;
import io.mediamesh.api.v1.ApplyConfigResponse;
import io.mediamesh.api.v1.ApplyServiceGrpc.ApplyServiceStub;
import io.mediamesh.gateway.http.Calls;

/**
 * One ApplyConfig stream to config-svc on behalf of a REST or WebSocket client (with the client's
 * session id). Responses go to a {@link Listener} on the client's event loop; the client's messages
 * may be sent from any thread.
 */
final class ApplyCall {
    /** What config-svc sends back. */
    interface Listener {
        void onMessage(ApplyConfigResponse message);

        /** The call failed (before or after {@code started}). */
        void onError(Throwable cause);

        /** The call ended normally, after the summary. */
        void onEnd();
    }

    private volatile ClientCallStreamObserver<ApplyConfigRequest> requests;
    private boolean closed;

    private ApplyCall() {}

    static ApplyCall open(ApplyServiceStub stub, RequestHeaders headers, Listener listener) {
        ApplyCall call = new ApplyCall();
        // beforeStart hands the request side over (call.requests) before applyConfig returns.
        Calls.withSession(headers, () -> stub.applyConfig(
                new ClientResponseObserver<ApplyConfigRequest, ApplyConfigResponse>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<ApplyConfigRequest> stream) {
                        call.requests = stream;
                    }

                    @Override
                    public void onNext(ApplyConfigResponse message) {
                        listener.onMessage(message);
                    }

                    @Override
                    public void onError(Throwable cause) {
                        call.markClosed();
                        listener.onError(cause);
                    }

                    @Override
                    public void onCompleted() {
                        call.markClosed();
                        listener.onEnd();
                    }
                }));
        return call;
    }

    synchronized void send(ApplyConfigRequest message) {
        if (!closed) {
            requests.onNext(message);
        }
    }

    /** The client has nothing more to say (config-svc keeps the apply going). */
    synchronized void halfClose() {
        if (!closed) {
            closed = true;
            requests.onCompleted();
        }
    }

    /** The client is gone: cancelling the call cancels the apply, which rolls back what it touched. */
    synchronized void cancel(String why) {
        requests.cancel(why, null);
        closed = true;
    }

    private synchronized void markClosed() {
        closed = true;
    }
}
