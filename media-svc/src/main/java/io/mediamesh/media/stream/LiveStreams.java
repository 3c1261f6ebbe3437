package io.mediamesh.media.stream;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.quota.Quota;
import io.mediamesh.common.validation.Text;
import io.mediamesh.media.janus.JanusIds;
import io.mediamesh.media.janus.JanusPluginError;
import io.mediamesh.media.janus.JanusServer;
import io.mediamesh.media.janus.MediaServers;
import io.mediamesh.media.quota.MediaQuotas;
import io.mediamesh.media.stream.StreamChanges.Change;
import io.mediamesh.media.stream.StreamRecord.Forwarding;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live streams: ingest on an origin, fan-out to edges ({@link StreamForwarding}), watched on
 * edges; who may do what, and every change under the stream's change lock ({@link StreamChanges}).
 * The stored tiers are the truth ({@link StreamTiers}); {@link #reconcile} brings a restarted Janus
 * or media-svc back to them ({@link StreamReconciler}). Runs on the blocking executor.
 */
public final class LiveStreams {
    public static final int MAX_NAME_LENGTH = 64;
    private static final Logger logger = LoggerFactory.getLogger(LiveStreams.class);

    private final StreamRepository repository;
    private final MediaServers servers;
    private final StreamJanus janus;
    private final StreamTiers tiers;
    private final StreamChanges changes;
    private final StreamForwarding forwarding;
    private final StreamEdges edges;
    private final StreamReconciler reconciler;
    private final Callers callers;
    private final Clock clock;
    private final ToLongFunction<Long> serverLoad;
    private final MediaQuotas quotas;
    private final JanusIds ids = new JanusIds();

    /**
     * @param serverLoad what media-svc keeps on a server (rooms and stream tiers), for server choice
     * @param changeLease how long a forwarding change may take before it counts as cut off by a crash
     * @param blocking where the independent Janus calls of one forward run side by side
     */
    public LiveStreams(StreamRepository repository, MediaServers servers, Callers callers, Clock clock,
                       ToLongFunction<Long> serverLoad, Duration changeLease, MediaQuotas quotas, Executor blocking) {
        this.repository = repository;
        this.servers = servers;
        this.janus = new StreamJanus(servers);
        this.tiers = new StreamTiers(repository, janus, clock);
        this.changes = new StreamChanges(repository, clock);
        this.forwarding = new StreamForwarding(servers, tiers, repository, blocking);
        this.edges = new StreamEdges(repository, janus, changes);
        this.reconciler = new StreamReconciler(repository, servers, janus, tiers, changes, clock, changeLease);
        this.callers = callers;
        this.clock = clock;
        this.serverLoad = serverLoad;
        this.quotas = quotas;
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
        repository.insertHeld(stream);
        try {
            tiers.setUp(stream, origin, TierRole.ORIGIN, 0);
        } catch (RuntimeException e) {
            repository.delete(stream.id());
            throw mapped(e, ErrorCode.FAILED_STREAMING_CREATE, "Creating stream " + stream.id());
        }
        repository.endChange(stream.id(), Forwarding.OFF);
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

    /** How many streams {@code ownerId} holds (against their quota). */
    public long countOwnedBy(long ownerId) {
        return repository.countOwnedBy(ownerId);
    }

    /** A page of streams, newest first: one owner's, or everyone's. */
    public Page.Result<StreamRecord> page(Optional<Long> ownerId, Page page) {
        return repository.page(ownerId, page);
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
    public Map<Long, MountpointInfo> edgeInfo(StreamView view) {
        return edges.info(view);
    }

    /**
     * Sets up forwarding to every usable relay and every usable edge of each relay's group; all or
     * nothing. Already forwarded: the tiers as they are.
     */
    public StreamView forward(StreamRecord stream) {
        try (Change change = changes.begin(stream)) {
            if (change.before() == Forwarding.ON) {
                return view(stream);
            }
            change.endAs(Forwarding.OFF);
            forwarding.setUp(stream);
            change.endAs(Forwarding.ON);
            return view(stream);
        } catch (RuntimeException e) {
            throw mapped(e, ErrorCode.FAILED_STREAMING_FORWARD, "Forwarding stream " + stream.id());
        }
    }

    /** Tears down forwarding on every relay and edge; the origin keeps the stream. Idempotent. */
    public void stopForwarding(StreamRecord stream) {
        try (Change change = changes.begin(stream)) {
            change.endAs(Forwarding.OFF);
            tiers.tearDownForwarding(stream);
        } catch (RuntimeException e) {
            throw mapped(e, ErrorCode.FAILED_STREAMING_FORWARD_STOP, "Stopping stream " + stream.id());
        }
    }

    /** Destroys the stream on every tier, releases its ports and forgets it. */
    public void destroy(StreamRecord stream) {
        try (Change change = changes.begin(stream)) {
            change.endAs(Forwarding.OFF);
            try {
                tiers.tearDownForwarding(stream);
            } catch (RuntimeException e) {
                throw mapped(e, ErrorCode.FAILED_STREAMING_FORWARD_STOP, "Destroying stream " + stream.id());
            }
            try {
                // Forwarding is torn down already; only the origin is left.
                tiers.destroyRemaining(stream);
            } catch (RuntimeException e) {
                throw mapped(e, ErrorCode.FAILED_STREAMING_STOP, "Destroying stream " + stream.id());
            }
            // Ending the change after this touches no row: the stream is gone.
            repository.delete(stream.id());
        }
        logger.info("Destroyed stream {}", stream.id());
    }

    /** The edge to watch on: the one carrying the stream with the fewest viewers that answers. */
    public TierRecord watch(StreamRecord stream) {
        return edges.choose(stream);
    }

    /** Starts or stops the stream: its edges' mountpoints enabled or disabled. */
    public StreamRecord setEnabled(StreamRecord stream, boolean enabled) {
        ErrorCode code = enabled ? ErrorCode.FAILED_STREAMING_START : ErrorCode.FAILED_STREAMING_STOP;
        try (Change change = changes.begin(stream)) {
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
        }
    }

    /** One reconcile pass ({@link StreamReconciler}). */
    public void reconcile() {
        reconciler.reconcile();
    }

    /** Makes a running {@link #reconcile} pass stop after the stream it is on. */
    public void stopReconciling() {
        reconciler.stop();
    }

    /** Plugin refusals become {@code code}; session, registry and database failures keep their own. */
    static RuntimeException mapped(RuntimeException e, ErrorCode code, String what) {
        if (e instanceof JanusPluginError) {
            return new MediameshException(code, what + ": " + e.getMessage());
        }
        return e;
    }

    static RuntimeException unwrap(CompletionException e) {
        return e.getCause() instanceof RuntimeException cause ? cause : e;
    }
}
