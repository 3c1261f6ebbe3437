package io.mediamesh.media.fileserver;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A bounded pool of tokens (the original design's "bucket token") with a cap per client: a transfer
 * holds one token from its admission until its response ended or its connection closed, whichever
 * comes first, and gives it back exactly once. A client (an address, or a user) may hold at most
 * {@code perClient} tokens, so one slow reader with many connections cannot take the whole pool.
 *
 * <p>The counts sit under one lock: admissions are rare next to the bytes they let through, and a
 * lock keeps "pool" and "client" counts exact together.
 */
final class AdmissionPool {
    /** Gauge of tokens in use, tagged with the pool; Prometheus: mediamesh_files_tokens_in_use. */
    static final String IN_USE_METER = "mediamesh.files.tokens.in.use";
    static final String CAPACITY_METER = "mediamesh.files.tokens.capacity";
    static final String REFUSED_METER = "mediamesh.files.tokens.refused";

    private final String name;
    private final int capacity;
    private final int perClient;
    private final Map<String, Integer> byClient = new HashMap<>();
    private final Counter refusedByPool;
    private final Counter refusedByShare;
    private int inUse;

    AdmissionPool(String name, int capacity, double clientShare, MeterRegistry registry) {
        if (capacity <= 0) {
            throw new IllegalArgumentException(name + " pool must hold at least one token");
        }
        if (clientShare <= 0 || clientShare > 1) {
            throw new IllegalArgumentException("client-share must be in (0, 1]");
        }
        this.name = name;
        this.capacity = capacity;
        this.perClient = Math.max(1, (int) Math.floor(capacity * clientShare));
        Gauge.builder(IN_USE_METER, this, AdmissionPool::inUse).tag("pool", name)
             .description("Tokens held by transfers in flight").register(registry);
        Gauge.builder(CAPACITY_METER, this, pool -> pool.capacity).tag("pool", name)
             .description("Tokens in the pool").register(registry);
        this.refusedByPool = Counter.builder(REFUSED_METER).tag("pool", name).tag("reason", "pool")
                                    .description("Transfers refused with 429").register(registry);
        this.refusedByShare = Counter.builder(REFUSED_METER).tag("pool", name).tag("reason", "client-share")
                                     .description("Transfers refused with 429").register(registry);
    }

    /** A token for {@code client}, or why there is none. */
    Admission tryAcquire(String client) {
        synchronized (this) {
            if (inUse >= capacity) {
                refusedByPool.increment();
                return Admission.refused("All " + capacity + " " + name + " tokens are in use; retry later.");
            }
            int held = byClient.getOrDefault(client, 0);
            if (held >= perClient) {
                refusedByShare.increment();
                return Admission.refused("This client already holds " + held + " of the " + capacity + " " + name +
                                         " tokens, its share; retry later.");
            }
            inUse++;
            byClient.put(client, held + 1);
        }
        return Admission.granted(new Token(client));
    }

    synchronized int inUse() {
        return inUse;
    }

    int perClient() {
        return perClient;
    }

    private synchronized void release(String client) {
        inUse--;
        byClient.computeIfPresent(client, (key, held) -> held == 1 ? null : held - 1);
    }

    /** A held token; closing it more than once gives it back once. */
    final class Token implements AutoCloseable {
        private final String client;
        private boolean released;

        private Token(String client) {
            this.client = client;
        }

        @Override
        public void close() {
            synchronized (AdmissionPool.this) {
                if (released) {
                    return;
                }
                released = true;
                release(client);
            }
        }
    }

    /** The outcome of {@link #tryAcquire}: a token, or the reason told to the refused client. */
    record Admission(Optional<Token> token, String refusal) {
        static Admission granted(Token token) {
            return new Admission(Optional.of(token), "");
        }

        static Admission refused(String refusal) {
            return new Admission(Optional.empty(), refusal);
        }
    }
}
