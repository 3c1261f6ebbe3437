package io.mediamesh.media.stream;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.media.janus.JanusServer;
import io.mediamesh.media.janus.MediaServers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out of one stream: ORIGIN -> every usable RELAY -> every usable EDGE of the relay's
 * group. Janus calls that do not depend on each other run at once: first every relay's room and
 * every edge's mountpoint, then every forward into them; so forwarding to several edges takes
 * about as long as to one. Runs under the stream's change lock on the blocking executor.
 */
final class StreamForwarding {
    private static final Logger logger = LoggerFactory.getLogger(StreamForwarding.class);

    private final MediaServers servers;
    private final StreamTiers tiers;
    private final StreamRepository repository;
    // Where the calls of one step run side by side; the caller waits for them, so this must not be
    // the caller's own single thread (the blocking executor has many).
    private final Executor executor;

    StreamForwarding(MediaServers servers, StreamTiers tiers, StreamRepository repository, Executor executor) {
        this.servers = servers;
        this.tiers = tiers;
        this.repository = repository;
        this.executor = executor;
    }

    /**
     * Sets up forwarding to every usable relay and every usable edge of each relay's group; on a
     * failure every step is let finish, then all is undone from the records and the first failure
     * thrown.
     */
    void setUp(StreamRecord stream) {
        // What an earlier failed undo left behind goes first, so every server starts clean.
        tiers.tearDownForwarding(stream);
        Map<JanusServer, List<JanusServer>> groups = groups();
        try {
            TierRecord origin = repository.tiers(stream.id()).get(0);
            // Step 1: every relay's forward room and every edge's mountpoint.
            Map<JanusServer, CompletableFuture<TierRecord>> relays = new LinkedHashMap<>();
            Map<JanusServer, CompletableFuture<TierRecord>> edges = new LinkedHashMap<>();
            for (var group : groups.entrySet()) {
                JanusServer relay = group.getKey();
                relays.put(relay, async(() -> tiers.setUp(stream, relay, TierRole.RELAY, origin.serverId())));
                for (JanusServer edge : group.getValue()) {
                    edges.put(edge, async(() -> tiers.setUp(stream, edge, TierRole.EDGE, relay.id())));
                }
            }
            List<CompletableFuture<TierRecord>> made = new ArrayList<>(relays.values());
            made.addAll(edges.values());
            awaitAll(made);
            // Step 2: every forward, origin -> relay and relay -> edge.
            List<CompletableFuture<Void>> forwards = new ArrayList<>();
            for (var group : groups.entrySet()) {
                TierRecord relay = relays.get(group.getKey()).join();
                forwards.add(async(() -> forward(stream, origin, relay)));
                for (JanusServer edge : group.getValue()) {
                    TierRecord edgeTier = edges.get(edge).join();
                    forwards.add(async(() -> forward(stream, relay, edgeTier)));
                }
            }
            awaitAll(forwards);
        } catch (RuntimeException e) {
            try {
                tiers.tearDownForwarding(stream);
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
                logger.warn("Stream {}: undoing a failed forward left tiers behind; the reconciler retries",
                            stream.id(), undo);
            }
            throw e;
        }
        logger.info("Stream {} forwarded to {} relays and {} edges", stream.id(), groups.size(),
                    groups.values().stream().mapToInt(List::size).sum());
    }

    /** Every usable relay with the usable edges of its group; SERVICE_UNAVAILABLE if no relay has any. */
    private Map<JanusServer, List<JanusServer>> groups() {
        List<JanusServer> edges = servers.usable(MediaServerRole.MEDIA_SERVER_ROLE_EDGE);
        Map<JanusServer, List<JanusServer>> groups = new LinkedHashMap<>();
        for (JanusServer relay : servers.usable(MediaServerRole.MEDIA_SERVER_ROLE_RELAY)) {
            groups.put(relay, edges.stream().filter(e -> e.server().getRelayGroup()
                                                           .equals(relay.server().getRelayGroup())).toList());
        }
        if (groups.values().stream().allMatch(List::isEmpty)) {
            throw new MediameshException(ErrorCode.SERVICE_UNAVAILABLE,
                                         "No usable relay with usable edges in its group.");
        }
        return groups;
    }

    private Void forward(StreamRecord stream, TierRecord source, TierRecord target) {
        tiers.addForwarders(stream, source, target);
        return null;
    }

    /** Runs {@code step} on the executor, in the serving request's context (its meters count the Janus calls). */
    private <T> CompletableFuture<T> async(Supplier<T> step) {
        Executor inContext = ServiceRequestContext.mapCurrent(ctx -> ctx.makeContextAware(executor), () -> executor);
        return CompletableFuture.supplyAsync(step, inContext);
    }

    /** Waits for every step, then throws the first failure in the order the steps were started. */
    private static void awaitAll(List<? extends CompletableFuture<?>> steps) {
        CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new)).exceptionally(failure -> null).join();
        for (CompletableFuture<?> step : steps) {
            try {
                step.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
    }
}
