package io.mediamesh.media.stream;

import java.util.List;

/**
 * A stream on one server: on the origin and relays a VideoRoom (id = stream id) whose remote
 * publisher receives on the {@code rtp}/{@code rtcp} ports; on edges a Streaming mountpoint
 * (id = stream id) receiving each line on its own port. {@code forwarders} are this tier's
 * rtp_forwards to the next tier.
 */
public record TierRecord(long streamId, long serverId, TierRole role, String serverName, String serverUrl,
                         String relayGroup, String host, long upstreamServerId, List<TierPort> ports,
                         List<ForwarderRecord> forwarders) {
    public static final String RTP = "rtp";
    public static final String RTCP = "rtcp";

    /** One port the tier holds, and what for. */
    public record TierPort(String purpose, int port) {}

    /** One rtp_forward of this tier's room to a server of the next tier. */
    public record ForwarderRecord(long forwarderId, String media, String mid, int substream, long targetServerId,
                                  String host, int port) {}

    public int port(String purpose) {
        return ports.stream().filter(p -> p.purpose().equals(purpose)).mapToInt(TierPort::port).findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "Stream " + streamId + " holds no " + purpose + " port on " + serverName));
    }

    public TierRecord withPorts(List<TierPort> other) {
        return new TierRecord(streamId, serverId, role, serverName, serverUrl, relayGroup, host, upstreamServerId,
                              List.copyOf(other), forwarders);
    }

    public TierRecord withForwarders(List<ForwarderRecord> other) {
        return new TierRecord(streamId, serverId, role, serverName, serverUrl, relayGroup, host, upstreamServerId,
                              ports, List.copyOf(other));
    }
}
