package io.mediamesh.gateway.room;

import io.mediamesh.api.v1.LiveStream;
import io.mediamesh.api.v1.StreamForwarder;
import io.mediamesh.api.v1.StreamIngest;
import io.mediamesh.api.v1.StreamIngestPort;
import io.mediamesh.api.v1.StreamMediaStatus;
import io.mediamesh.api.v1.StreamMediaType;
import io.mediamesh.api.v1.StreamTier;
import io.mediamesh.gateway.room.RoomViews.Owner;
import io.mediamesh.gateway.room.RoomViews.Server;
import java.util.List;
import java.util.Locale;

/** REST views of live streams (snake_case through Envelope). */
final class LiveStreamViews {
    private LiveStreamViews() {}

    record IngestPort(String type, String mid, int port, Integer rtcpPort, long ssrc, List<Long> simulcastSsrcs,
                      int payloadType, String codec) {
        static IngestPort of(StreamIngestPort p) {
            return new IngestPort(media(p.getType()), p.getMid(), p.getPort(),
                                  p.getRtcpPort() == 0 ? null : p.getRtcpPort(), Integer.toUnsignedLong(p.getSsrc()),
                                  p.getSimulcastSsrcsList().stream().map(Integer::toUnsignedLong).toList(),
                                  p.getPayloadType(), p.getCodec());
        }
    }

    record Ingest(String host, List<IngestPort> ports) {
        static Ingest of(StreamIngest ingest) {
            return new Ingest(ingest.getHost(), ingest.getPortsList().stream().map(IngestPort::of).toList());
        }
    }

    /** {@code ingest} is null for anyone but the stream's owner and admins. */
    record Stream(long streamId, String name, boolean audio, boolean video, boolean simulcast, boolean enabled,
                  boolean forwarding, boolean watchable, Owner owner, Ingest ingest, String createdAt) {
        static Stream of(LiveStream s) {
            return new Stream(s.getStreamId(), s.getName(), s.getAudio(), s.getVideo(), s.getSimulcast(),
                              s.getEnabled(), s.getForwarding(), s.getWatchable(), Owner.of(s.getOwner()),
                              s.hasIngest() ? Ingest.of(s.getIngest()) : null, RoomViews.time(s.getCreatedAt()));
        }
    }

    record Forwarder(long forwarderId, String type, String mid, long targetServerId, String targetServerName,
                     String host, int port) {
        static Forwarder of(StreamForwarder f) {
            return new Forwarder(f.getForwarderId(), media(f.getType()), f.getMid(), f.getTargetServerId(),
                                 f.getTargetServerName(), f.getHost(), f.getPort());
        }
    }

    record Media(String type, String mid, long ageMs) {
        static Media of(StreamMediaStatus m) {
            return new Media(media(m.getType()), m.getMid(), m.getAgeMs());
        }
    }

    /** Null fields are those that do not apply to the tier's role. */
    record Tier(Server server, String role, String relayGroup, Long mountpointId, Long forwardRoomId,
                Long upstreamServerId, List<Integer> ports, List<Forwarder> forwarders, List<Media> media,
                Boolean enabled, Integer viewers) {
        static Tier of(StreamTier t) {
            boolean edge = t.getMountpointId() != 0;
            return new Tier(Server.of(t.getServer()),
                            t.getRole().name().substring("MEDIA_SERVER_ROLE_".length()).toLowerCase(Locale.ROOT),
                            t.getRelayGroup().isEmpty() ? null : t.getRelayGroup(),
                            edge ? t.getMountpointId() : null, edge ? null : t.getForwardRoomId(),
                            t.getUpstreamServerId() == 0 ? null : t.getUpstreamServerId(), t.getPortsList(),
                            t.getForwardersList().stream().map(Forwarder::of).toList(),
                            t.getMediaList().stream().map(Media::of).toList(),
                            edge && t.getMediaCount() > 0 ? t.getEnabled() : null,
                            edge && t.getMediaCount() > 0 ? t.getViewers() : null);
        }
    }

    static List<Tier> tiers(List<StreamTier> tiers) {
        return tiers.stream().map(Tier::of).toList();
    }

    record Created(long streamId, Ingest ingest, Stream stream) {}

    record StreamWithTiers(Stream stream, List<Tier> tiers) {}

    record Tiers(List<Tier> tiers) {}

    record OneStream(Stream stream) {}

    record StreamPage(List<Stream> streams, String nextCursor) {}

    record Watch(String serverUrl, long mountpointId, Server server) {}

    private static String media(StreamMediaType type) {
        return type.name().substring("STREAM_MEDIA_TYPE_".length()).toLowerCase(Locale.ROOT);
    }
}
