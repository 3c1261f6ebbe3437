package io.mediamesh.common.server;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;

/**
 * Unary gRPC methods that hand their work to another executor and return at once, so that a call
 * waiting for that work holds no thread: the answer (or failure, mapped by the service's
 * exception handler like a thrown one) goes back when the future completes.
 */
public final class Replies {
    private Replies() {}

    public static <T> void complete(StreamObserver<T> response, CompletableFuture<T> answer) {
        answer.whenComplete((value, failure) -> {
            if (failure != null) {
                response.onError(failure instanceof CompletionException && failure.getCause() != null
                                 ? failure.getCause() : failure);
            } else {
                response.onNext(value);
                response.onCompleted();
            }
        });
    }

    /** True once the call's client is gone or its deadline has passed: work for it may be skipped. */
    public static BooleanSupplier cancelled(StreamObserver<?> response) {
        if (response instanceof ServerCallStreamObserver<?> call) {
            return call::isCancelled;
        }
        return () -> false;
    }
}
