package io.mediamesh.media.stream;

import io.mediamesh.media.janus.JanusPluginError;
import io.mediamesh.media.janus.JanusServer;
import io.mediamesh.media.stream.TierRecord.ForwarderRecord;
import io.mediamesh.media.stream.TierRecord.TierPort;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's tiers and forwarders made and removed on Janus together with their records: every
 * Janus object is recorded as soon as it exists, so what a failure leaves is undone from the
 * records. Blocking: runs on the blocking executor.
 */
final class StreamTiers {
    // Fresh ports tried when Janus cannot bind the ones allocated (a port held outside media-svc).
    private static final int PORT_ATTEMPTS = 3;
    private static final Logger logger = LoggerFactory.getLogger(StreamTiers.class);

    private final StreamRepository repository;
    private final StreamJanus janus;
    private final Clock clock;

    StreamTiers(StreamRepository repository, StreamJanus janus, Clock clock) {
        this.repository = repository;
        this.janus = janus;
        this.clock = clock;
    }

    /** Records a tier on {@code server}, takes its ports and makes its Janus object. */
    TierRecord setUp(StreamRecord stream, JanusServer server, TierRole role, long upstreamServerId) {
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

    /** Makes the tier's Janus object on newly allocated ports, trying others while Janus finds them taken. */
    TierRecord createOnFreshPorts(StreamRecord stream, TierRecord tier, JanusServer server) {
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

    /** Makes the tier's Janus object on the ports it has: a mountpoint on an edge, else a forward room. */
    void create(StreamRecord stream, TierRecord tier) {
        if (tier.role() == TierRole.EDGE) {
            janus.createMountpoint(stream, tier);
        } else {
            janus.createForwardRoom(stream, tier);
        }
    }

    /** Forwards {@code source}'s room to {@code target} and records the forwarders. */
    void addForwarders(StreamRecord stream, TierRecord source, TierRecord target) {
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

    /** Makes {@code source}'s forwarding again: its recorded forwarders stopped, new ones to every tier it feeds. */
    void redoForwarders(StreamRecord stream, TierRecord source, List<TierRecord> tiers) {
        janus.stopForwarders(stream, source, source.forwarders());
        repository.deleteForwarders(stream.id(), source.serverId());
        for (TierRecord target : tiers) {
            if (target.upstreamServerId() == source.serverId()) {
                addForwarders(stream, source, target);
            }
        }
    }

    /** Removes every relay and edge tier (origin forwarders first, so nothing is sent into the void). */
    void tearDownForwarding(StreamRecord stream) {
        RuntimeException first = null;
        for (TierRecord tier : repository.tiers(stream.id())) {
            try {
                if (tier.role() == TierRole.ORIGIN) {
                    janus.stopForwarders(stream, tier, tier.forwarders());
                    repository.deleteForwarders(stream.id(), tier.serverId());
                } else {
                    if (tier.role() == TierRole.EDGE) {
                        janus.destroyMountpoint(stream, tier);
                    } else {
                        janus.destroyForwardRoom(stream, tier);
                    }
                    repository.deleteTier(stream.id(), tier.serverId());
                }
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Destroys the forward rooms of the tiers left once forwarding is torn down (the origin). */
    void destroyRemaining(StreamRecord stream) {
        for (TierRecord tier : repository.tiers(stream.id())) {
            janus.destroyForwardRoom(stream, tier);
        }
    }

    static boolean portTaken(JanusPluginError e) {
        return e.code() == StreamJanus.VIDEOROOM_PORT_TAKEN || e.code() == StreamJanus.STREAMING_CANNOT_CREATE;
    }
}
