package io.mediamesh.media.stream;

import io.mediamesh.media.janus.JanusPluginError;
import io.mediamesh.media.janus.MediaServers;
import io.mediamesh.media.stream.StreamChanges.Change;
import io.mediamesh.media.stream.StreamRecord.Forwarding;
import io.mediamesh.media.stream.TierRecord.ForwarderRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings every Janus in line with the stream records (as {@link io.mediamesh.media.room.RoomReconciler}
 * does for rooms): rooms, publishers, mountpoints and forwarders a restarted Janus lost are made
 * again, a mountpoint's enabled state is restored, and a change cut off by a crash is undone. A
 * server that cannot be reached is left for the next pass. Blocking: runs on the housekeeping thread.
 */
final class StreamReconciler {
    private static final Logger logger = LoggerFactory.getLogger(StreamReconciler.class);

    private final StreamRepository repository;
    private final MediaServers servers;
    private final StreamJanus janus;
    private final StreamTiers tiers;
    private final StreamChanges changes;
    private final Clock clock;
    private final Duration changeLease;
    private volatile boolean closing;

    /** @param changeLease how long a forwarding change may take before it counts as cut off by a crash */
    StreamReconciler(StreamRepository repository, MediaServers servers, StreamJanus janus, StreamTiers tiers,
                     StreamChanges changes, Clock clock, Duration changeLease) {
        this.repository = repository;
        this.servers = servers;
        this.janus = janus;
        this.tiers = tiers;
        this.changes = changes;
        this.clock = clock;
        this.changeLease = changeLease;
    }

    /** One pass over every stream; a stream someone is changing is left for the next pass. */
    void reconcile() {
        for (long id : repository.releaseStaleChanges(clock.instant().minus(changeLease))) {
            // The pass below brings the stream's servers in line with what its records say.
            logger.warn("Stream {}: a change was cut off (its holder crashed); its lock is released", id);
        }
        for (long id : repository.allIds()) {
            Optional<StreamRecord> found = repository.find(id);
            if (found.isEmpty()) {
                continue;
            }
            if (closing) {
                // Shutting down: the next start reconciles the rest.
                return;
            }
            Optional<Change> taken = changes.tryBegin(id);
            if (taken.isEmpty()) {
                continue;
            }
            try (Change change = taken.get()) {
                reconcile(found.get(), change.before());
            } catch (RuntimeException e) {
                logger.info("Stream {}: not reconciled this pass: {}", id, e.getMessage());
            }
        }
    }

    /** Makes a running {@link #reconcile} pass stop after the stream it is on. */
    void stop() {
        closing = true;
    }

    private void reconcile(StreamRecord stream, Forwarding state) {
        List<TierRecord> stored = repository.tiers(stream.id());
        if (state == Forwarding.OFF && (stored.size() > 1 || !stored.get(0).forwarders().isEmpty())) {
            // What an undo that failed left behind.
            tiers.tearDownForwarding(stream);
            stored = repository.tiers(stream.id());
        }
        Set<Long> sourcesToRedo = new HashSet<>();
        for (TierRecord tier : stored) {
            if (ensureOnJanus(stream, tier)) {
                sourcesToRedo.add(tier.upstreamServerId());
            }
        }
        if (state != Forwarding.ON) {
            return;
        }
        stored = repository.tiers(stream.id());
        for (TierRecord source : stored) {
            if (source.role() == TierRole.EDGE) {
                continue;
            }
            Set<Long> recorded = source.forwarders().stream().map(ForwarderRecord::forwarderId)
                                       .collect(Collectors.toSet());
            if (sourcesToRedo.contains(source.serverId()) || !janus.forwarderIds(stream, source).containsAll(recorded)) {
                logger.info("Stream {}: forwarding from {} is incomplete; making it again", stream.id(),
                            source.serverName());
                tiers.redoForwarders(stream, source, stored);
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
                MountpointInfo info = janus.mountpointInfo(stream, tier).join();
                if (info.enabled() != stream.enabled()) {
                    janus.setMountpointEnabled(stream, tier, stream.enabled());
                }
                return false;
            } catch (CompletionException e) {
                RuntimeException cause = LiveStreams.unwrap(e);
                if (!StreamJanus.isMissingMountpoint(cause)) {
                    throw cause;
                }
            }
        } else if (janus.forwardRoomExists(stream, tier)) {
            return false;
        }
        logger.info("Stream {} is missing on {}; making it again", stream.id(), tier.serverName());
        try {
            tiers.create(stream, tier);
            return false;
        } catch (JanusPluginError e) {
            if (!StreamTiers.portTaken(e)) {
                throw e;
            }
        }
        repository.releasePorts(stream.id(), tier.serverId());
        tiers.createOnFreshPorts(stream, tier, servers.get(tier.serverId()));
        if (tier.role() == TierRole.ORIGIN) {
            logger.warn("Stream {}: its ingest ports on {} were taken; senders must use the new ones", stream.id(),
                        tier.serverName());
        }
        return true;
    }
}
