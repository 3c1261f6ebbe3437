package io.mediamesh.media.stream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.media.stream.StreamRecord.Forwarding;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A stream's change lock (the one request or reconcile pass allowed to change its tiers, across
 * media-svc replicas: {@link StreamRepository#beginChange}), handed out as a {@link Change} that
 * releases it when closed; and the edges' answers about a stream that readers share, which a
 * change makes stale.
 */
final class StreamChanges {
    private static final Duration CHANGE_WAIT = Duration.ofSeconds(2);
    private static final Duration CHANGE_POLL = Duration.ofMillis(20);
    // How long the edges' answers about a stream serve every reader (GetStream, WatchStream).
    private static final Duration EDGE_ANSWERS_TTL = Duration.ofSeconds(1);

    private final StreamRepository repository;
    private final Clock clock;
    // The edges' `info` answers, asked once for every reader within the TTL (the first reader
    // asks, readers meanwhile wait for the same answers), so no amount of readers multiplies
    // requests to the edges. Kept by the stream's state as the reader saw it, so that a reader that
    // read the stream before a change cannot leave answers about the old state for readers after
    // it; a change also forgets the stream's answers.
    private final Cache<EdgeAnswersKey, Map<Long, CompletableFuture<MountpointInfo>>> edgeAnswers =
            Caffeine.newBuilder().expireAfterWrite(EDGE_ANSWERS_TTL).maximumSize(10_000).build();

    /** What the edges' answers depend on: whether the stream is forwarded and enabled, and to which edges. */
    private record EdgeAnswersKey(long streamId, Forwarding forwarding, boolean enabled, List<Long> edges) {}

    StreamChanges(StreamRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    /**
     * One held change lock. Closing it releases the lock, leaving forwarding as {@link #endAs} set
     * it (as it was, unless set): one place ends the change whatever way the work leaves.
     */
    final class Change implements AutoCloseable {
        private final long streamId;
        private final Forwarding before;
        private final boolean forgetsAnswers;
        // Set by the holder's thread only, read when it closes the change.
        private Forwarding after;

        private Change(long streamId, Forwarding before, boolean forgetsAnswers) {
            this.streamId = streamId;
            this.before = before;
            this.after = before;
            this.forgetsAnswers = forgetsAnswers;
        }

        /** The forwarding state the stream had when the lock was taken. */
        Forwarding before() {
            return before;
        }

        /** The forwarding state the stream is left in when the change ends. */
        void endAs(Forwarding state) {
            after = state;
        }

        @Override
        public void close() {
            repository.endChange(streamId, after);
            if (forgetsAnswers) {
                edgeAnswers.asMap().keySet().removeIf(key -> key.streamId() == streamId);
            }
        }
    }

    /**
     * Takes the stream for one change. Another change running (a request, or the reconciler's
     * short check) is waited for a little before answering STREAM_CHANGE_IN_PROGRESS. Its end
     * forgets the edges' answers about the stream, which the change may have made stale.
     */
    Change begin(StreamRecord stream) {
        long until = System.nanoTime() + CHANGE_WAIT.toNanos();
        while (true) {
            Optional<Forwarding> before = repository.beginChange(stream.id(), clock.instant());
            if (before.isPresent()) {
                return new Change(stream.id(), before.get(), true);
            }
            if (repository.find(stream.id()).isEmpty()) {
                throw new MediameshException(ErrorCode.STREAM_NOT_FOUND, "No stream " + stream.id() + '.');
            }
            if (System.nanoTime() > until) {
                throw new MediameshException(ErrorCode.STREAM_CHANGE_IN_PROGRESS,
                                             "Stream " + stream.id() + " is being changed by another request.");
            }
            try {
                Thread.sleep(CHANGE_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MediameshException(ErrorCode.STREAM_CHANGE_IN_PROGRESS, "Interrupted.");
            }
        }
    }

    /**
     * Takes the stream for a reconcile pass if no one holds it; empty if someone does. A pass
     * restores what the records say: the answers readers share stay until they expire.
     */
    Optional<Change> tryBegin(long streamId) {
        return repository.beginChange(streamId, clock.instant()).map(before -> new Change(streamId, before, false));
    }

    /**
     * Every edge's answer by server id: the answers shared by every reader of the last second, or
     * else all edges asked at once with {@code ask}.
     */
    Map<Long, CompletableFuture<MountpointInfo>> edgeAnswers(
            StreamRecord stream, List<TierRecord> tiers,
            Function<TierRecord, CompletableFuture<MountpointInfo>> ask) {
        List<TierRecord> edges = tiers.stream().filter(tier -> tier.role() == TierRole.EDGE).toList();
        EdgeAnswersKey key = new EdgeAnswersKey(stream.id(), stream.forwarding(), stream.enabled(),
                                                edges.stream().map(TierRecord::serverId).toList());
        return edgeAnswers.get(key, ignored -> {
            Map<Long, CompletableFuture<MountpointInfo>> asked = new LinkedHashMap<>();
            for (TierRecord edge : edges) {
                asked.put(edge.serverId(), ask.apply(edge));
            }
            return asked;
        });
    }
}
