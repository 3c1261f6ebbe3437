package io.mediamesh.gateway.video;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.google.protobuf.Message;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JSON of user-svc's answers to the reads the site makes most (a user's videos, the public feed, a
 * single video), kept for as long as user-svc says its answer may be reused ({@code reusable_for}: what
 * is left of its own video cache TTL), so that an answer given from here is never older than user-svc's
 * own copy may be, and a repeated read costs no call. Every write that passes through this gateway
 * forgets every copy (see {@link ForgetCopiesOnWrite}): what a client just changed through this replica
 * shows at once, as user-svc's own eviction ensures on its side; another replica's write shows within
 * the TTL.
 */
public final class ReadCopies {
    /** What is kept, in bytes of JSON. */
    private static final long MAX_BYTES = 8L * 1024 * 1024;

    private final Cache<Message, Kept> copies;
    /** Bumped by every forget: an answer asked for before a write is not kept after it. */
    private final AtomicLong generation = new AtomicLong();

    public ReadCopies() {
        this(Ticker.systemTicker());
    }

    ReadCopies(Ticker ticker) {
        this.copies = Caffeine.newBuilder()
                             .ticker(ticker)
                             .maximumWeight(MAX_BYTES)
                             .<Message, Kept>weigher((request, kept) -> kept.json().length)
                             .expireAfter(new KeptFor())
                             .build();
    }

    private record Kept(long generation, byte[] json, long forNanos) {}

    /** The generation to hand to {@link #keep} with the answer to a call made now. */
    long generation() {
        return generation.get();
    }

    /** The kept JSON answer to {@code request}, if it may still be given. */
    Optional<byte[]> json(Message request) {
        Kept kept = copies.getIfPresent(request);
        return kept != null && kept.generation() == generation.get() ? Optional.of(kept.json()) : Optional.empty();
    }

    /**
     * Keeps {@code json}, user-svc's answer to {@code request} asked for in {@code askedIn}, for
     * {@code reusableFor}; not at all if a write passed through since the call was made.
     */
    void keep(Message request, long askedIn, byte[] json, Duration reusableFor) {
        if (reusableFor.isZero() || reusableFor.isNegative() || askedIn != generation.get()) {
            return;
        }
        copies.put(request, new Kept(askedIn, json, reusableFor.toNanos()));
    }

    /** Forgets every copy: a write passed through this gateway. */
    public void forgetAll() {
        generation.incrementAndGet();
        copies.invalidateAll();
    }

    private static final class KeptFor implements Expiry<Message, Kept> {
        @Override
        public long expireAfterCreate(Message request, Kept kept, long currentTime) {
            return kept.forNanos();
        }

        @Override
        public long expireAfterUpdate(Message request, Kept kept, long currentTime, long currentDuration) {
            return kept.forNanos();
        }

        @Override
        public long expireAfterRead(Message request, Kept kept, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
