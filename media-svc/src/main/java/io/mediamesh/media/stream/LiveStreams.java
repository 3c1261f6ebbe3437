package io.mediamesh.media.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.quota.Quota;
import io.mediamesh.common.validation.Text;
import io.mediamesh.media.janus.JanusIds;
import io.mediamesh.media.janus.JanusPluginError;
import io.mediamesh.media.janus.JanusServer;
import io.mediamesh.media.janus.MediaServers;
import io.mediamesh.media.quota.MediaQuotas;
import io.mediamesh.media.stream.StreamRecord.Forwarding;
import io.mediamesh.media.stream.TierRecord.ForwarderRecord;
import io.mediamesh.media.stream.TierRecord.TierPort;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live streams: ingest on an origin, fan-out ORIGIN -> every RELAY -> every EDGE of the relay's
 * group by Janus rtp_forward, watched on edges. The stored tiers are the truth: every Janus object
 * is recorded as soon as it exists, so a failed setup is undone from the records and a restarted
 * Janus or media-svc is brought back to them by {@link #reconcile}. Runs on the blocking executor.
 */
public final class LiveStreams {
    public static final int MAX_NAME_LENGTH = 64;
    // Fresh ports tried when Janus cannot bind the ones allocated (a port held outside media-svc).
    private static final int PORT_ATTEMPTS = 3;
    private static final Duration CHANGE_WAIT = Duration.ofSeconds(2);
    private static final Duration CHANGE_POLL = Duration.ofMillis(20);
    // How long the edges' answers about a stream serve every reader (GetStream, WatchStream).
    private static final Duration EDGE_ANSWERS_TTL = Duration.ofSeconds(1);
    private static final Logger logger = LoggerFactory.getLogger(LiveStreams.class);

    private final StreamRepository repository;
    private final MediaServers servers;
    private final StreamJanus janus;
    private final Callers callers;
    private final Clock clock;
    private final ToLongFunction<Long> serverLoad;
    private final Duration changeLease;
    private final MediaQuotas quotas;
    private final JanusIds ids = new JanusIds();
    // By stream id: the edges' `info` answers, asked once for every reader within the TTL (the
    // first reader asks, readers meanwhile wait for the same answers), so no amount of readers
    // multiplies requests to the edges. A change of the stream forgets them.
    private final Cache<Long, Map<Long, CompletableFuture<JsonNode>>> edgeAnswers =
            Caffeine.newBuilder().expireAfterWrite(EDGE_ANSWERS_TTL).maximumSize(10_000).build();
    private volatile boolean closing;

    /**
     * @param serverLoad what media-svc keeps on a server (rooms and stream tiers), for server choice
     * @param changeLease how long a forwarding change may take before it counts as cut off by a crash
     */
    public LiveStreams(StreamRepository repository, MediaServers servers, Callers callers, Clock clock,
                       ToLongFunction<Long> serverLoad, Duration changeLease, MediaQuotas quotas) {
        this.repository = repository;
        this.servers = servers;
        this.janus = new StreamJanus(servers);
        this.callers = callers;
        this.clock = clock;
        this.serverLoad = serverLoad;
        this.changeLease = changeLease;
        this.quotas = quotas;
    }

    public StreamRepository repository() {
        return repository;
    }

    /** A stream with its tiers. */
    public record StreamView(StreamRecord stream, List<TierRecord> tiers) {
        public TierRecord origin() {
            return tiers.get(0);
        }
    }

    /**
     * Creates a stream on the least loaded usable origin, its ingest ports allocated there; refused
     * (QUOTA_EXCEEDED) before anything is made on a Janus when the owner's streams are at their limit.
     */
    public StreamView create(Principal owner, String name, boolean audio, boolean video, boolean simulcast) {
        Text.check(name, "name", 1, MAX_NAME_LENGTH, false, ErrorCode.INVALID_REQUEST);
        if (!audio && !video) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST, "A stream needs audio, video or both.");
        }
        if (simulcast && !video) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST, "simulcast needs video.");
        }
        quotas.requireRoomForOne(Quota.STREAMS, owner, () -> repository.countOwnedBy(owner.getUserId()));
        JanusServer origin = servers.leastLoaded(MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN, serverLoad);
        StreamRecord stream = new StreamRecord(ids.nextId(), name, audio, video, simulcast, true, Forwarding.OFF,
                                               ids.nextSecret(), owner.getUserId(), owner.getUserName(),
                                               clock.instant());
        repository.insert(stream);
        try {
            setUpTier(stream, origin, TierRole.ORIGIN, 0);
        } catch (RuntimeException e) {
            repository.delete(stream.id());
            throw mapped(e, ErrorCode.FAILED_STREAMING_CREATE, "Creating stream " + stream.id());
        }
        logger.info("{} created stream {} on {}", owner.getUserName(), stream.id(), origin.server().getName());
        return view(stream);
    }

    /** Whether the caller is the stream's owner or an admin: who sees its ingest and tiers. */
    public static boolean isInsider(StreamRecord stream, Optional<Principal> caller) {
        return caller.map(c -> c.getUserId() == stream.ownerId() || Callers.isAdmin(c)).orElse(false);
    }

    /** A stored stream; anyone may read it. */
    public StreamRecord find(long streamId) {
        Text.checkId(streamId, "stream_id");
        return repository.find(streamId).orElseThrow(
                () -> new MediameshException(ErrorCode.STREAM_NOT_FOUND, "No stream " + streamId + '.'));
    }

    /** As {@link #find}, for the stream's owner or an admin only (401 before 404). */
    public StreamRecord findAsOwner(long streamId) {
        callers.require();
        StreamRecord stream = find(streamId);
        callers.requireSelfOrAdmin(stream.ownerId());
        return stream;
    }

    public StreamView view(StreamRecord stream) {
        return new StreamView(stream, repository.tiers(stream.id()));
    }

    /** Views of several streams (a listed page), their tiers read at once. */
    public List<StreamView> views(List<StreamRecord> streams) {
        Map<Long, List<TierRecord>> tiers = repository.tiers(streams.stream().map(StreamRecord::id).toList());
        return streams.stream().map(s -> new StreamView(s, tiers.getOrDefault(s.id(), List.of()))).toList();
    }

    /**
     * Every edge's live mountpoint state by server, in tier order (FAILED_GET_STREAMING_CONFIGURE if
     * an edge cannot tell), as asked within the last second.
     */
    public Map<Long, JsonNode> edgeInfo(StreamView view) {
        Map<Long, CompletableFuture<JsonNode>> asked = askEdges(view.stream(), view.tiers());
        Map<Long, JsonNode> info = new LinkedHashMap<>();
        for (TierRecord tier : view.tiers()) {
            CompletableFuture<JsonNode> answer = asked.get(tier.serverId());
            if (answer != null) {
                try {
                    info.put(tier.serverId(), answer.join());
                } catch (CompletionException e) {
                    throw mapped(unwrap(e), ErrorCode.FAILED_GET_STREAMING_CONFIGURE,
                                 "Mountpoint on " + tier.serverName());
                }
            }
        }
        return info;
    }

    /**
     * Every edge's mountpoint `info` by server id: the answers shared by every reader of the last
     * second, or else all edges asked at once.
     */
    private Map<Long, CompletableFuture<JsonNode>> askEdges(StreamRecord stream, List<TierRecord> tiers) {
        return edgeAnswers.get(stream.id(), id -> {
            Map<Long, CompletableFuture<JsonNode>> asked = new LinkedHashMap<>();
            for (TierRecord tier : tiers) {
                if (tier.role() == TierRole.EDGE) {
                    asked.put(tier.serverId(), janus.mountpointInfo(stream, tier));
                }
            }
            return asked;
        });
    }

    /**
     * Sets up forwarding to every usable relay and every usable edge of each relay's group; all or
     * nothing. Already forwarded: the tiers as they are.
     */
    public StreamView forward(StreamRecord stream) {
        Forwarding before = beginChange(stream);
        if (before == Forwarding.ON) {
            endChange(stream.id(), Forwarding.ON);
            return view(stream);
        }
        try {
            // What an earlier failed undo left behind goes first, so every server starts clean.
            tearDownForwarding(stream);
            List<JanusServer> relays = servers.usable(MediaServerRole.MEDIA_SERVER_ROLE_RELAY);
            List<JanusServer> edges = servers.usable(MediaServerRole.MEDIA_SERVER_ROLE_EDGE);
            Map<JanusServer, List<JanusServer>> groups = new LinkedHashMap<>();
            for (JanusServer relay : relays) {
                groups.put(relay, edges.stream().filter(e -> e.server().getRelayGroup()
                                                               .equals(relay.server().getRelayGroup())).toList());
            }
            if (groups.values().stream().allMatch(List::isEmpty)) {
                throw new MediameshException(ErrorCode.SERVICE_UNAVAILABLE,
                                             "No usable relay with usable edges in its group.");
            }
            TierRecord origin = repository.tiers(stream.id()).get(0);
            Map<JanusServer, TierRecord> relayTiers = new LinkedHashMap<>();
            for (JanusServer relay : groups.keySet()) {
                relayTiers.put(relay, setUpTier(stream, relay, TierRole.RELAY, origin.serverId()));
            }
            for (TierRecord relay : relayTiers.values()) {
                addForwarders(stream, origin, relay);
            }
            for (var group : groups.entrySet()) {
                TierRecord relay = relayTiers.get(group.getKey());
                for (JanusServer edge : group.getValue()) {
                    addForwarders(stream, relay, setUpTier(stream, edge, TierRole.EDGE, relay.serverId()));
                }
            }
            endChange(stream.id(), Forwarding.ON);
            logger.info("Stream {} forwarded to {} relays and {} edges", stream.id(), relayTiers.size(),
                        groups.values().stream().mapToInt(List::size).sum());
            return view(stream);
        } catch (RuntimeException e) {
            try {
                tearDownForwarding(stream);
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
                logger.warn("Stream {}: undoing a failed forward left tiers behind; the reconciler retries",
                            stream.id(), undo);
            }
            endChange(stream.id(), Forwarding.OFF);
            throw mapped(e, ErrorCode.FAILED_STREAMING_FORWARD, "Forwarding stream " + stream.id());
        }
    }

    /** Tears down forwarding on every relay and edge; the origin keeps the stream. Idempotent. */
    public void stopForwarding(StreamRecord stream) {
        beginChange(stream);
        try {
            tearDownForwarding(stream);
        } catch (RuntimeException e) {
            throw mapped(e, ErrorCode.FAILED_STREAMING_FORWARD_STOP, "Stopping stream " + stream.id());
        } finally {
            endChange(stream.id(), Forwarding.OFF);
        }
    }

    /** Destroys the stream on every tier, releases its ports and forgets it. */
    public void destroy(StreamRecord stream) {
        beginChange(stream);
        try {
            tearDownForwarding(stream);
        } catch (RuntimeException e) {
            endChange(stream.id(), Forwarding.OFF);
            throw mapped(e, ErrorCode.FAILED_STREAMING_FORWARD_STOP, "Destroying stream " + stream.id());
        }
        try {
            // Only the origin is left.
            for (TierRecord tier : repository.tiers(stream.id())) {
                janus.destroyForwardRoom(stream, tier);
            }
        } catch (RuntimeException e) {
            // Forwarding is torn down already; only the origin is left.
            endChange(stream.id(), Forwarding.OFF);
            throw mapped(e, ErrorCode.FAILED_STREAMING_STOP, "Destroying stream " + stream.id());
        }
        repository.delete(stream.id());
        logger.info("Destroyed stream {}", stream.id());
    }

    /** The edge to watch on: the one carrying the stream with the fewest viewers that answers. */
    public TierRecord watch(StreamRecord stream) {
        if (stream.forwarding() != Forwarding.ON) {
            throw new MediameshException(ErrorCode.FAILED_STREAMING_WATCH, "Stream " + stream.id() +
                                                                           " is not forwarded to edges.");
        }
        if (!stream.enabled()) {
            throw new MediameshException(ErrorCode.FAILED_STREAMING_WATCH, "Stream " + stream.id() + " is stopped.");
        }
        List<TierRecord> tiers = repository.tiers(stream.id());
        Map<Long, CompletableFuture<JsonNode>> asked = askEdges(stream, tiers);
        TierRecord best = null;
        int fewest = Integer.MAX_VALUE;
        for (TierRecord tier : tiers) {
            CompletableFuture<JsonNode> answer = asked.get(tier.serverId());
            if (answer == null) {
                continue;
            }
            try {
                JsonNode info = answer.join();
                int viewers = info.path("viewers").asInt();
                if (info.path("enabled").asBoolean() && viewers < fewest) {
                    best = tier;
                    fewest = viewers;
                }
            } catch (CompletionException e) {
                // An edge that cannot answer is not offered; the others can serve.
                logger.info("Edge {} cannot serve stream {}: {}", tier.serverName(), stream.id(),
                            unwrap(e).getMessage());
            }
        }
        if (best == null) {
            throw new MediameshException(ErrorCode.FAILED_STREAMING_WATCH,
                                         "No edge can serve stream " + stream.id() + " now.");
        }
        return best;
    }

    /** Starts or stops the stream: its edges' mountpoints enabled or disabled. */
    public StreamRecord setEnabled(StreamRecord stream, boolean enabled) {
        Forwarding before = beginChange(stream);
        ErrorCode code = enabled ? ErrorCode.FAILED_STREAMING_START : ErrorCode.FAILED_STREAMING_STOP;
        try {
            repository.setEnabled(stream.id(), enabled);
            StreamRecord changed = repository.find(stream.id()).orElseThrow();
            RuntimeException first = null;
            for (TierRecord tier : repository.tiers(stream.id())) {
                if (tier.role() == TierRole.EDGE) {
                    try {
                        janus.setMountpointEnabled(changed, tier, enabled);
                    } catch (RuntimeException e) {
                        first = first == null ? e : first;
                    }
                }
            }
            if (first != null) {
                // The flag stays as asked: the reconciler brings the edge that failed in line.
                throw mapped(first, code, (enabled ? "Starting" : "Stopping") + " stream " + stream.id());
            }
            return changed;
        } finally {
            endChange(stream.id(), before);
        }
    }

    /**
     * One pass bringing every Janus in line with the records: rooms, publishers, mountpoints and
     * forwarders a restarted Janus lost are made again, a mountpoint's enabled state is restored,
     * and a change cut off by a crash is undone. A server that cannot be reached is left for the next pass.
     */
    public void reconcile() {
        for (long id : repository.releaseStaleChanges(clock.instant().minus(changeLease))) {
            // The pass below brings the stream's servers in line with what its records say.
            logger.warn("Stream {}: a change was cut off (its holder crashed); its lock is released", id);
        }
        for (long id : repository.allIds()) {
            Optional<StreamRecord> found = repository.find(id);
            if (found.isEmpty()) {
                continue;
            }
            StreamRecord stream = found.get();
            if (closing) {
                // Shutting down: the next start reconciles the rest.
                return;
            }
            Optional<Forwarding> before = repository.beginChange(id, clock.instant());
            if (before.isEmpty()) {
                continue;
            }
            try {
                reconcile(stream, before.get());
            } catch (RuntimeException e) {
                logger.info("Stream {}: not reconciled this pass: {}", id, e.getMessage());
            } finally {
                // A pass restores what the records say: the answers readers share stay until they expire.
                repository.endChange(id, before.get());
            }
        }
    }

    /** Makes a running {@link #reconcile} pass stop after the stream it is on. */
    public void stopReconciling() {
        closing = true;
    }

    private void reconcile(StreamRecord stream, Forwarding state) {
        List<TierRecord> tiers = repository.tiers(stream.id());
        if (state == Forwarding.OFF && (tiers.size() > 1 || !tiers.get(0).forwarders().isEmpty())) {
            // What an undo that failed left behind.
            tearDownForwarding(stream);
            tiers = repository.tiers(stream.id());
        }
        Set<Long> sourcesToRedo = new HashSet<>();
        for (TierRecord tier : tiers) {
            if (ensureOnJanus(stream, tier)) {
                sourcesToRedo.add(tier.upstreamServerId());
            }
        }
        if (state != Forwarding.ON) {
            return;
        }
        tiers = repository.tiers(stream.id());
        for (TierRecord source : tiers) {
            if (source.role() == TierRole.EDGE) {
                continue;
            }
            Set<Long> recorded = source.forwarders().stream().map(ForwarderRecord::forwarderId)
                                       .collect(Collectors.toSet());
            if (sourcesToRedo.contains(source.serverId()) || !janus.forwarderIds(stream, source).containsAll(recorded)) {
                logger.info("Stream {}: forwarding from {} is incomplete; making it again", stream.id(),
                            source.serverName());
                janus.stopForwarders(stream, source, source.forwarders());
                repository.deleteForwarders(stream.id(), source.serverId());
                for (TierRecord target : tiers) {
                    if (target.upstreamServerId() == source.serverId()) {
                        addForwarders(stream, source, target);
                    }
                }
            }
        }
    }

    /**
     * Makes a tier's Janus object again if its Janus lost it (a restart), on its own ports, which a
     * restart frees, or else on fresh ones. Returns whether the ports changed (its upstream must
     * forward to the new ones).
     */
    private boolean ensureOnJanus(StreamRecord stream, TierRecord tier) {
        if (tier.role() == TierRole.EDGE) {
            try {
                JsonNode info = janus.mountpointInfo(stream, tier).join();
                if (info.path("enabled").asBoolean() != stream.enabled()) {
                    janus.setMountpointEnabled(stream, tier, stream.enabled());
                }
                return false;
            } catch (CompletionException e) {
                if (!StreamJanus.isMissingMountpoint(unwrap(e))) {
                    throw unwrap(e);
                }
            }
        } else if (janus.forwardRoomExists(stream, tier)) {
            return false;
        }
        logger.info("Stream {} is missing on {}; making it again", stream.id(), tier.serverName());
        try {
            create(stream, tier);
            return false;
        } catch (JanusPluginError e) {
            if (!portTaken(e)) {
                throw e;
            }
        }
        repository.releasePorts(stream.id(), tier.serverId());
        createOnFreshPorts(stream, tier, servers.get(tier.serverId()));
        if (tier.role() == TierRole.ORIGIN) {
            logger.warn("Stream {}: its ingest ports on {} were taken; senders must use the new ones", stream.id(),
                        tier.serverName());
        }
        return true;
    }

    /** Records a tier on {@code server}, takes its ports and makes its Janus object. */
    private TierRecord setUpTier(StreamRecord stream, JanusServer server, TierRole role, long upstreamServerId) {
        TierRecord tier = new TierRecord(stream.id(), server.id(), role, server.server().getName(), server.publicUrl(),
                                         server.server().getRelayGroup(), server.server().getInternalAddress(),
                                         upstreamServerId, List.of(), List.of());
        repository.insertTier(tier, clock.instant());
        try {
            return createOnFreshPorts(stream, tier, server);
        } catch (JanusPluginError e) {
            repository.deleteTier(stream.id(), server.id());
            throw e.at(tier.serverName());
        } catch (RuntimeException e) {
            repository.deleteTier(stream.id(), server.id());
            throw e;
        }
    }

    private TierRecord createOnFreshPorts(StreamRecord stream, TierRecord tier, JanusServer server) {
        List<String> purposes = tier.role() == TierRole.EDGE
                                ? MediaLine.of(stream).stream().flatMap(l -> l.mountpointPurposes().stream()).toList()
                                : List.of(TierRecord.RTP, TierRecord.RTCP);
        for (int attempt = 1; ; attempt++) {
            List<TierPort> ports = repository.allocatePorts(stream.id(), server.id(),
                                                            server.server().getEndpoints().getStreamingRtpPortRange(),
                                                            purposes);
            TierRecord placed = tier.withPorts(ports);
            try {
                create(stream, placed);
                return placed;
            } catch (JanusPluginError e) {
                repository.releasePorts(stream.id(), server.id());
                if (!portTaken(e) || attempt == PORT_ATTEMPTS) {
                    throw e;
                }
                logger.info("Stream {}: ports {} on {} are taken; trying others", stream.id(), ports,
                            tier.serverName());
            }
        }
    }

    private void create(StreamRecord stream, TierRecord tier) {
        if (tier.role() == TierRole.EDGE) {
            janus.createMountpoint(stream, tier);
        } else {
            janus.createForwardRoom(stream, tier);
        }
    }

    private void addForwarders(StreamRecord stream, TierRecord source, TierRecord target) {
        List<ForwarderRecord> made;
        try {
            made = janus.forward(stream, source, target);
        } catch (JanusPluginError e) {
            throw e.at(source.serverName() + " -> " + target.serverName());
        }
        try {
            repository.insertForwarders(stream.id(), source.serverId(), made);
        } catch (RuntimeException e) {
            janus.stopForwarders(stream, source, made);
            throw e;
        }
    }

    /** Removes every relay and edge tier (origin forwarders first, so nothing is sent into the void). */
    private void tearDownForwarding(StreamRecord stream) {
        List<TierRecord> tiers = repository.tiers(stream.id());
        RuntimeException first = null;
        for (TierRecord tier : tiers) {
            try {
                if (tier.role() == TierRole.ORIGIN) {
                    janus.stopForwarders(stream, tier, tier.forwarders());
                    repository.deleteForwarders(stream.id(), tier.serverId());
                } else {
                    tearDownTier(stream, tier);
                }
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void tearDownTier(StreamRecord stream, TierRecord tier) {
        if (tier.role() == TierRole.EDGE) {
            janus.destroyMountpoint(stream, tier);
        } else {
            janus.destroyForwardRoom(stream, tier);
        }
        repository.deleteTier(stream.id(), tier.serverId());
    }

    /**
     * Takes the stream for one change. Another change running (a request, or the reconciler's
     * short check) is waited for a little before answering STREAM_CHANGE_IN_PROGRESS.
     */
    private Forwarding beginChange(StreamRecord stream) {
        long until = System.nanoTime() + CHANGE_WAIT.toNanos();
        while (true) {
            Optional<Forwarding> before = repository.beginChange(stream.id(), clock.instant());
            if (before.isPresent()) {
                return before.get();
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

    /** Ends a change, and forgets the edges' answers about the stream, which the change may have made stale. */
    private void endChange(long streamId, Forwarding state) {
        repository.endChange(streamId, state);
        edgeAnswers.invalidate(streamId);
    }

    private static boolean portTaken(JanusPluginError e) {
        return e.code() == StreamJanus.VIDEOROOM_PORT_TAKEN || e.code() == StreamJanus.STREAMING_CANNOT_CREATE;
    }

    /** Plugin refusals become {@code code}; session, registry and database failures keep their own. */
    private static RuntimeException mapped(RuntimeException e, ErrorCode code, String what) {
        if (e instanceof JanusPluginError) {
            return new MediameshException(code, what + ": " + e.getMessage());
        }
        return e;
    }

    private static RuntimeException unwrap(CompletionException e) {
        return e.getCause() instanceof RuntimeException cause ? cause : e;
    }
}
