package io.mediamesh.config.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.ApplyConfigRequest;
import io.mediamesh.api.v1.ApplyConfigResponse;
import io.mediamesh.api.v1.ApplyEvent;
import io.mediamesh.api.v1.ApplySummary;
import io.mediamesh.api.v1.CancelApply;
import io.mediamesh.api.v1.ApplyServiceGrpc.ApplyServiceStub;
import io.mediamesh.api.v1.PromoteApply;
import io.mediamesh.api.v1.StartApply;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.testing.TestMeshCa;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** One ApplyConfig call as a test drives it: messages in as they come, promote and cancel out. */
public final class ApplyStream {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final LinkedBlockingQueue<ApplyConfigResponse> incoming = new LinkedBlockingQueue<>();
    private final List<ApplyConfigResponse> received = new ArrayList<>();
    private final CompletableFuture<Void> end = new CompletableFuture<>();
    private final StreamObserver<ApplyConfigRequest> requests;

    private ApplyStream(int configSvcPort, String session) {
        ApplyServiceStub stub = TestMeshCa.grpc(configSvcPort)
                                            .setHeader(Callers.SESSION_HEADER, session)
                                            .responseTimeout(Duration.ofMinutes(5))
                                            .build(ApplyServiceStub.class);
        requests = stub.applyConfig(new StreamObserver<>() {
            @Override
            public void onNext(ApplyConfigResponse message) {
                incoming.add(message);
            }

            @Override
            public void onError(Throwable t) {
                end.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                end.complete(null);
            }
        });
    }

    /** Opens the call and sends {@code start}. */
    public static ApplyStream start(int configSvcPort, String session, StartApply start) {
        ApplyStream stream = open(configSvcPort, session);
        stream.send(start);
        return stream;
    }

    /** Sends {@code start} on a call opened without it. */
    public void send(StartApply start) {
        requests.onNext(ApplyConfigRequest.newBuilder().setStart(start).build());
    }

    /** Opens the call without sending anything. */
    public static ApplyStream open(int configSvcPort, String session) {
        return new ApplyStream(configSvcPort, session);
    }

    public void promote() {
        requests.onNext(ApplyConfigRequest.newBuilder().setPromote(PromoteApply.getDefaultInstance()).build());
    }

    public void cancel(String reason) {
        requests.onNext(ApplyConfigRequest.newBuilder().setCancel(CancelApply.newBuilder().setReason(reason)).build());
    }

    public void halfClose() {
        requests.onCompleted();
    }

    /** Waits for the next message that {@code wanted} accepts, keeping every message seen. */
    public ApplyConfigResponse await(Predicate<ApplyConfigResponse> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            ApplyConfigResponse message = incoming.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(message).as("a message within %s (seen: %s)", WAIT, received.size()).isNotNull();
            received.add(message);
            if (wanted.test(message)) {
                return message;
            }
        }
    }

    /** Waits for the first message, or for the call to end without one (empty then). */
    public Optional<ApplyConfigResponse> firstOrEnd() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            ApplyConfigResponse message = incoming.poll(50, TimeUnit.MILLISECONDS);
            if (message != null) {
                received.add(message);
                return Optional.of(message);
            }
            if (end.isDone() && incoming.isEmpty()) {
                return Optional.empty();
            }
        }
        throw new AssertionError("Neither a message nor the call's end within " + WAIT);
    }

    /** Waits for the call's end; a call that failed throws its failure (a StatusRuntimeException). */
    public void awaitEnd() throws Throwable {
        try {
            end.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    /** Waits for the summary and the call's normal end. */
    public ApplySummary summary() throws Exception {
        ApplySummary summary = await(ApplyConfigResponse::hasSummary).getSummary();
        end.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return summary;
    }

    /** The call's end: normal, or the failure it ended with. */
    public CompletableFuture<Void> end() {
        return end;
    }

    /** Every message seen so far, in order. */
    public List<ApplyConfigResponse> received() {
        incoming.drainTo(received);
        return List.copyOf(received);
    }

    public List<ApplyEvent> events() {
        return received().stream().filter(ApplyConfigResponse::hasEvent).map(ApplyConfigResponse::getEvent).toList();
    }

    /** Messages that arrived and were not yet taken by await (e.g. to check none did). */
    public List<ApplyConfigResponse> pending() {
        return List.copyOf(incoming);
    }
}
