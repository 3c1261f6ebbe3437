package io.mediamesh.gateway.http;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.linecorp.armeria.client.Clients;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.util.SafeCloseable;
import io.mediamesh.common.auth.Callers;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Backend calls on behalf of a REST client. The only identity passed on is the session id the
 * client presented (header {@code X-Session-Id} or cookie {@code session}), which the service
 * validates itself; other identity headers a client sends are never forwarded.
 */
public final class Calls {
    public static final String SESSION_COOKIE = "session";

    private Calls() {}

    /** The session id a request presents, if any. The header wins over the cookie. */
    public static Optional<String> sessionId(RequestHeaders headers) {
        if (hasSessionHeader(headers)) {
            return Optional.of(headers.get(Callers.SESSION_HEADER).trim());
        }
        return sessionCookie(headers);
    }

    /** Whether the request's session, if any, comes from the cookie (no session header wins over it). */
    public static boolean sessionFromCookie(RequestHeaders headers) {
        return !hasSessionHeader(headers) && sessionCookie(headers).isPresent();
    }

    /** Whether the request presents a session in the X-Session-Id header. */
    public static boolean hasSessionHeader(RequestHeaders headers) {
        String header = headers.get(Callers.SESSION_HEADER);
        return header != null && !header.isBlank();
    }

    private static Optional<String> sessionCookie(RequestHeaders headers) {
        return headers.cookies().stream()
                      .filter(cookie -> SESSION_COOKIE.equals(cookie.name()) && !cookie.value().isBlank())
                      .map(cookie -> cookie.value().trim())
                      .findFirst();
    }

    /** Starts {@code call} with the request's session id attached, as a CompletableFuture. */
    public static <T> CompletableFuture<T> as(RequestHeaders headers, Supplier<ListenableFuture<T>> call) {
        return toCompletable(withSession(headers, call));
    }

    /** Starts a call of any shape (e.g. a stream) with the request's session id attached, if it has one. */
    public static <T> T withSession(RequestHeaders headers, Supplier<T> call) {
        Optional<String> sessionId = sessionId(headers);
        if (sessionId.isEmpty()) {
            return call.get();
        }
        try (SafeCloseable ignored = Clients.withHeader(Callers.SESSION_HEADER, sessionId.get())) {
            return call.get();
        }
    }

    /** Starts {@code call} with no identity. */
    public static <T> CompletableFuture<T> anonymous(Supplier<ListenableFuture<T>> call) {
        return toCompletable(call.get());
    }

    private static <T> CompletableFuture<T> toCompletable(ListenableFuture<T> future) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Futures.addCallback(future, new FutureCallback<>() {
            @Override
            public void onSuccess(T value) {
                result.complete(value);
            }

            @Override
            public void onFailure(Throwable t) {
                result.completeExceptionally(t);
            }
        }, MoreExecutors.directExecutor());
        return result;
    }
}
