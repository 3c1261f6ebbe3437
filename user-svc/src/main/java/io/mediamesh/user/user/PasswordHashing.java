package io.mediamesh.user.user;

import com.linecorp.armeria.common.util.ThreadFactories;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.user.user.UserRepository.StoredCredentials;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Password hashing under a bound: at most {@link #concurrency()} Argon2id hashes run at once, on
 * threads of their own, so the memory they hold (the configured cost each) stays a fixed share of
 * the heap whatever the load. Callers do not block: a call waits in a bounded queue, holding no
 * thread of the server's blocking executor, and is turned away with SERVICE_UNAVAILABLE and a
 * Retry-After when the queue is full or its wait is over, never with an OutOfMemoryError. A call
 * abandoned while it waits (its client gone, its deadline passed) costs no hash.
 */
public final class PasswordHashing implements AutoCloseable {
    /** Gauge of hashes running; Prometheus: mediamesh_user_password_hashes_running. */
    public static final String RUNNING_METER = "mediamesh.user.password.hashes.running";
    /** Gauge of calls waiting for a slot. */
    public static final String WAITING_METER = "mediamesh.user.password.hashes.waiting";
    /** Gauge of the bound itself. */
    public static final String CONCURRENCY_METER = "mediamesh.user.password.hashes.concurrency";
    /** Counter of calls turned away (queue full, waited too long). */
    public static final String REJECTED_METER = "mediamesh.user.password.hashes.rejected";

    private final PasswordHasher hasher;
    private final int concurrency;
    private final Duration queueTimeout;
    private final ThreadPoolExecutor executor;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong rejected = new AtomicLong();

    public PasswordHashing(PasswordHasher hasher, int concurrency, int queue, Duration queueTimeout) {
        this.hasher = hasher;
        this.concurrency = concurrency;
        this.queueTimeout = queueTimeout;
        this.executor = new ThreadPoolExecutor(concurrency, concurrency, 30, TimeUnit.SECONDS,
                                               new ArrayBlockingQueue<>(Math.max(1, queue)),
                                               ThreadFactories.newThreadFactory("user-svc-password-hashing", true));
        executor.allowCoreThreadTimeOut(true);
    }

    /** A new hash of {@code password} (registration). */
    public CompletableFuture<String> hash(String password, BooleanSupplier abandoned) {
        return submit(() -> hasher.hash(password), abandoned);
    }

    /**
     * The account {@code lookup} finds, if {@code password} is its password. The lookup runs in
     * the slot too, so a call turned away costs no query. With no such account, a decoy hash is
     * checked instead, in the same queue and for as long, so that neither the answer nor its
     * timing tells whether the user exists.
     */
    public CompletableFuture<Optional<UserAccount>> verify(String password, Supplier<Optional<StoredCredentials>> lookup,
                                                           BooleanSupplier abandoned) {
        return submit(() -> {
            Optional<StoredCredentials> stored = lookup.get();
            if (stored.isEmpty()) {
                hasher.verifyDecoy(password);
                return Optional.empty();
            }
            return hasher.verify(password, stored.get().passwordHash()) ? Optional.of(stored.get().account())
                                                                        : Optional.empty();
        }, abandoned);
    }

    public int concurrency() {
        return concurrency;
    }

    public void bindTo(MeterRegistry registry) {
        Gauge.builder(RUNNING_METER, running, AtomicInteger::get).description("Password hashes running")
             .register(registry);
        Gauge.builder(WAITING_METER, executor, e -> e.getQueue().size())
             .description("Calls waiting for a password hash slot").register(registry);
        Gauge.builder(CONCURRENCY_METER, this, PasswordHashing::concurrency)
             .description("Password hashes allowed at once").register(registry);
        FunctionCounter.builder(REJECTED_METER, rejected, AtomicLong::get)
                       .description("Calls turned away for want of a password hash slot").register(registry);
    }

    private <T> CompletableFuture<T> submit(Supplier<T> work, BooleanSupplier abandoned) {
        CompletableFuture<T> result = new CompletableFuture<>();
        // Exactly one of the task and the timer claims the call.
        AtomicBoolean claimed = new AtomicBoolean();
        try {
            executor.execute(() -> {
                if (!claimed.compareAndSet(false, true)) {
                    return;
                }
                if (abandoned.getAsBoolean()) {
                    result.completeExceptionally(overloaded());
                    return;
                }
                running.incrementAndGet();
                try {
                    result.complete(work.get());
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                } finally {
                    running.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            rejected.incrementAndGet();
            result.completeExceptionally(overloaded());
            return result;
        }
        CompletableFuture.delayedExecutor(queueTimeout.toMillis(), TimeUnit.MILLISECONDS, Runnable::run).execute(() -> {
            if (claimed.compareAndSet(false, true)) {
                rejected.incrementAndGet();
                result.completeExceptionally(overloaded());
            }
        });
        return result;
    }

    private MediameshException overloaded() {
        return MediameshException.retryLater(ErrorCode.SERVICE_UNAVAILABLE,
                                             "Too many sign-ins at once; retry shortly.", queueTimeout);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
