package io.mediamesh.media.stream;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.media.stream.LiveStreams.StreamView;
import io.mediamesh.media.stream.StreamRecord.Forwarding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stream's edges say about it, for readers: their live mountpoint state, and the edge a
 * viewer is sent to. The answers are shared by every reader within a second ({@link StreamChanges}).
 */
final class StreamEdges {
    private static final Logger logger = LoggerFactory.getLogger(StreamEdges.class);

    private final StreamRepository repository;
    private final StreamJanus janus;
    private final StreamChanges changes;

    StreamEdges(StreamRepository repository, StreamJanus janus, StreamChanges changes) {
        this.repository = repository;
        this.janus = janus;
        this.changes = changes;
    }

    /**
     * Every edge's live mountpoint state by server, in tier order (FAILED_GET_STREAMING_CONFIGURE if
     * an edge cannot tell), as asked within the last second.
     */
    Map<Long, MountpointInfo> info(StreamView view) {
        Map<Long, CompletableFuture<MountpointInfo>> asked = ask(view.stream(), view.tiers());
        Map<Long, MountpointInfo> info = new LinkedHashMap<>();
        for (TierRecord tier : view.tiers()) {
            CompletableFuture<MountpointInfo> answer = asked.get(tier.serverId());
            if (answer != null) {
                try {
                    info.put(tier.serverId(), answer.join());
                } catch (CompletionException e) {
                    if (repository.find(view.stream().id()).isEmpty()) {
                        // Deleted while we asked: its mountpoints went first.
                        throw new MediameshException(ErrorCode.STREAM_NOT_FOUND,
                                                     "No stream " + view.stream().id() + '.');
                    }
                    throw LiveStreams.mapped(LiveStreams.unwrap(e), ErrorCode.FAILED_GET_STREAMING_CONFIGURE,
                                             "Mountpoint on " + tier.serverName());
                }
            }
        }
        return info;
    }

    /** The edge to watch on: the one carrying the stream with the fewest viewers that answers. */
    TierRecord choose(StreamRecord stream) {
        if (stream.forwarding() != Forwarding.ON) {
            throw new MediameshException(ErrorCode.FAILED_STREAMING_WATCH, "Stream " + stream.id() +
                                                                           " is not forwarded to edges.");
        }
        if (!stream.enabled()) {
            throw new MediameshException(ErrorCode.FAILED_STREAMING_WATCH, "Stream " + stream.id() + " is stopped.");
        }
        List<TierRecord> tiers = repository.tiers(stream.id());
        Map<Long, CompletableFuture<MountpointInfo>> asked = ask(stream, tiers);
        TierRecord best = null;
        int fewest = Integer.MAX_VALUE;
        for (TierRecord tier : tiers) {
            CompletableFuture<MountpointInfo> answer = asked.get(tier.serverId());
            if (answer == null) {
                continue;
            }
            try {
                MountpointInfo info = answer.join();
                if (info.enabled() && info.viewers() < fewest) {
                    best = tier;
                    fewest = info.viewers();
                }
            } catch (CompletionException e) {
                // An edge that cannot answer is not offered; the others can serve.
                logger.info("Edge {} cannot serve stream {}: {}", tier.serverName(), stream.id(),
                            LiveStreams.unwrap(e).getMessage());
            }
        }
        if (best == null) {
            throw new MediameshException(ErrorCode.FAILED_STREAMING_WATCH,
                                         "No edge can serve stream " + stream.id() + " now.");
        }
        return best;
    }

    private Map<Long, CompletableFuture<MountpointInfo>> ask(StreamRecord stream, List<TierRecord> tiers) {
        return changes.edgeAnswers(stream, tiers, tier -> janus.mountpointInfo(stream, tier));
    }
}
