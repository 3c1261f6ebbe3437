package io.mediamesh.media.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediamesh.media.janus.JanusClient;
import io.mediamesh.media.janus.JanusPluginError;
import io.mediamesh.media.janus.JanusServer;
import io.mediamesh.media.janus.MediaServers;
import io.mediamesh.media.stream.TierRecord.ForwarderRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's objects on Janus (JANUS.md): on the origin and relays a VideoRoom whose one remote
 * publisher receives every line on one port; rtp_forward from it to the next tier; on edges a
 * Streaming mountpoint. Plugin refusals surface as {@link JanusPluginError} for the caller to map;
 * "it is already gone" answers of removals are success. Blocking: runs on the blocking executor.
 */
final class StreamJanus {
    /** VideoRoom: the remote publisher's port cannot be bound (JANUS.md: a removed one keeps it). */
    static final int VIDEOROOM_PORT_TAKEN = 499;
    /** Streaming: the mountpoint cannot be made, e.g. a port in use. */
    static final int STREAMING_CANNOT_CREATE = 456;
    private static final int VIDEOROOM_NO_SUCH_ROOM = 426;
    private static final int VIDEOROOM_NO_SUCH_FORWARDER = 428;
    private static final int STREAMING_NO_SUCH_MOUNTPOINT = 455;
    // The only publisher of a stream's forward room.
    private static final long PUBLISHER_ID = 1;
    // How long a remote publisher Janus accepted may take to join its room (see awaitPublisher).
    private static final Duration PUBLISHER_JOIN_WAIT = Duration.ofSeconds(2);
    private static final Duration PUBLISHER_JOIN_POLL = Duration.ofMillis(10);
    private static final Logger logger = LoggerFactory.getLogger(StreamJanus.class);

    private final MediaServers servers;

    StreamJanus(MediaServers servers) {
        this.servers = servers;
    }

    /** Creates the forward room with its remote publisher bound to the tier's rtp/rtcp ports. */
    void createForwardRoom(StreamRecord stream, TierRecord tier) {
        JanusServer server = servers.get(tier.serverId());
        JanusClient client = servers.client(server);
        ObjectNode create = roomBody(stream, "create");
        create.put("admin_key", server.janus().getVideoroom().getAdminKey());
        create.put("description", stream.name());
        create.put("publishers", 1);
        create.put("is_private", true);
        client.send(JanusClient.VIDEOROOM, create);
        ObjectNode publisher = roomBody(stream, "add_remote_publisher");
        publisher.put("id", PUBLISHER_ID);
        publisher.put("display", stream.name());
        publisher.put("iface", tier.host());
        publisher.put("port", tier.port(TierRecord.RTP));
        publisher.put("rtcp_port", tier.port(TierRecord.RTCP));
        ArrayNode streams = publisher.putArray("streams");
        for (MediaLine line : MediaLine.of(stream)) {
            streams.addObject().put("type", line.media()).put("mindex", line.mindex()).put("mid", line.mid())
                   .put("codec", line.codec()).put("simulcast", line.simulcast());
        }
        try {
            client.send(JanusClient.VIDEOROOM, publisher);
            awaitPublisher(client, stream, tier);
        } catch (RuntimeException e) {
            undoQuietly(() -> destroyForwardRoom(stream, tier), stream, tier);
            throw e;
        }
    }

    /**
     * Waits until the remote publisher is one of the room's participants. Janus answers
     * add_remote_publisher before the publisher's own thread puts it in the room, and until then
     * an rtp_forward from it fails with 428 "No such feed".
     */
    private static void awaitPublisher(JanusClient client, StreamRecord stream, TierRecord tier) {
        ObjectNode list = roomBody(stream, "listparticipants");
        long until = System.nanoTime() + PUBLISHER_JOIN_WAIT.toNanos();
        while (true) {
            for (JsonNode participant : client.send(JanusClient.VIDEOROOM, list).path("participants")) {
                if (participant.path("id").asLong() == PUBLISHER_ID) {
                    return;
                }
            }
            if (System.nanoTime() > until) {
                throw new JanusPluginError(JanusClient.VIDEOROOM, 0, "the remote publisher of stream " + stream.id() +
                                                                     " did not join its room on " + tier.serverName() +
                                                                     " within " + PUBLISHER_JOIN_WAIT.toMillis() +
                                                                     " ms");
            }
            try {
                Thread.sleep(PUBLISHER_JOIN_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for a remote publisher", e);
            }
        }
    }

    boolean forwardRoomExists(StreamRecord stream, TierRecord tier) {
        ObjectNode exists = JanusClient.body("exists");
        exists.put("room", stream.id());
        return send(tier, JanusClient.VIDEOROOM, exists).path("exists").asBoolean();
    }

    /** Destroys the forward room (its publisher and forwarders with it); a room already gone is fine. */
    void destroyForwardRoom(StreamRecord stream, TierRecord tier) {
        try {
            send(tier, JanusClient.VIDEOROOM, roomBody(stream, "destroy"));
        } catch (JanusPluginError e) {
            if (e.code() != VIDEOROOM_NO_SUCH_ROOM) {
                throw e;
            }
        }
    }

    /**
     * Forwards every line of {@code source}'s room to {@code target}: into its remote publisher's
     * port with the SSRCs it expects (a relay), or into its mountpoint's ports (an edge).
     */
    List<ForwarderRecord> forward(StreamRecord stream, TierRecord source, TierRecord target) {
        JanusServer server = servers.get(source.serverId());
        ObjectNode body = roomBody(stream, "rtp_forward");
        body.put("admin_key", server.janus().getVideoroom().getAdminKey());
        body.put("publisher_id", PUBLISHER_ID);
        body.put("host", target.host());
        ArrayNode streams = body.putArray("streams");
        List<MediaLine> lines = MediaLine.of(stream);
        for (MediaLine line : lines) {
            ObjectNode forward = streams.addObject().put("mid", line.mid()).put("pt", line.payloadType());
            for (int layer = 0; layer < line.layers(); layer++) {
                String suffix = layer == 0 ? "" : "_" + (layer + 1);
                if (target.role() == TierRole.EDGE) {
                    forward.put("port" + suffix, target.port(line.mountpointPurposes().get(layer)));
                } else {
                    forward.put("port" + suffix, target.port(TierRecord.RTP));
                    forward.put("ssrc" + suffix, line.ssrc(layer));
                }
                if (layer > 0) {
                    forward.put("pt" + suffix, line.payloadType());
                }
            }
        }
        JsonNode answer = servers.client(server).send(JanusClient.VIDEOROOM, body);
        List<ForwarderRecord> made = new ArrayList<>();
        for (JsonNode f : answer.path("forwarders")) {
            String media = f.path("type").asText();
            MediaLine line = lines.stream().filter(l -> l.media().equals(media)).findFirst().orElseThrow(
                    () -> new IllegalStateException("Janus forwarded an unknown line: " + f));
            made.add(new ForwarderRecord(f.path("stream_id").asLong(), media, line.mid(), f.path("substream").asInt(0),
                                         target.serverId(), target.host(), f.path("port").asInt()));
        }
        int expected = lines.stream().mapToInt(MediaLine::layers).sum();
        if (made.size() != expected) {
            // Janus "succeeds" with fewer forwarders when a line is missing: not a working forward.
            stopForwarders(stream, source, made);
            throw new JanusPluginError(JanusClient.VIDEOROOM, 0, "rtp_forward made " + made.size() + " of " +
                                                                 expected + " forwarders to " + target.serverName());
        }
        return made;
    }

    /** The ids of the forwarders {@code source}'s room has now (none if the room is gone). */
    Set<Long> forwarderIds(StreamRecord stream, TierRecord source) {
        ObjectNode list = roomBody(stream, "listforwarders");
        list.put("admin_key", servers.get(source.serverId()).janus().getVideoroom().getAdminKey());
        Set<Long> ids = new HashSet<>();
        try {
            for (JsonNode publisher : send(source, JanusClient.VIDEOROOM, list).path("publishers")) {
                publisher.path("forwarders").forEach(f -> ids.add(f.path("stream_id").asLong()));
            }
        } catch (JanusPluginError e) {
            if (e.code() != VIDEOROOM_NO_SUCH_ROOM) {
                throw e;
            }
        }
        return ids;
    }

    /** Stops forwarders of {@code source}'s room; one already gone (or its room) is fine. */
    void stopForwarders(StreamRecord stream, TierRecord source, List<ForwarderRecord> forwarders) {
        String adminKey = servers.get(source.serverId()).janus().getVideoroom().getAdminKey();
        for (ForwarderRecord f : forwarders) {
            ObjectNode stop = roomBody(stream, "stop_rtp_forward");
            stop.put("admin_key", adminKey);
            stop.put("publisher_id", PUBLISHER_ID);
            stop.put("stream_id", f.forwarderId());
            try {
                send(source, JanusClient.VIDEOROOM, stop);
            } catch (JanusPluginError e) {
                if (e.code() != VIDEOROOM_NO_SUCH_FORWARDER && e.code() != VIDEOROOM_NO_SUCH_ROOM) {
                    throw e;
                }
            }
        }
    }

    /** Creates an edge's mountpoint on its ports, disabled if the stream is stopped. */
    void createMountpoint(StreamRecord stream, TierRecord tier) {
        JanusServer server = servers.get(tier.serverId());
        ObjectNode create = mountpointBody(stream, "create");
        create.put("admin_key", server.janus().getStreaming().getAdminKey());
        create.put("type", "rtp");
        create.put("name", stream.name());
        create.put("description", stream.name());
        create.put("is_private", false);
        ArrayNode media = create.putArray("media");
        for (MediaLine line : MediaLine.of(stream)) {
            ObjectNode m = media.addObject().put("type", line.media()).put("mid", line.mid())
                                .put("pt", line.payloadType()).put("codec", line.codec())
                                .put("iface", tier.host()).put("simulcast", line.simulcast());
            List<String> purposes = line.mountpointPurposes();
            m.put("port", tier.port(purposes.get(0)));
            for (int layer = 1; layer < purposes.size(); layer++) {
                m.put("port" + (layer + 1), tier.port(purposes.get(layer)));
            }
        }
        servers.client(server).send(JanusClient.STREAMING, create);
        if (!stream.enabled()) {
            try {
                setMountpointEnabled(stream, tier, false);
            } catch (RuntimeException e) {
                undoQuietly(() -> destroyMountpoint(stream, tier), stream, tier);
                throw e;
            }
        }
    }

    /** Enables or disables an edge's mountpoint (never stopping a recording: JANUS.md, a Janus crash). */
    void setMountpointEnabled(StreamRecord stream, TierRecord tier, boolean enabled) {
        ObjectNode body = mountpointBody(stream, enabled ? "enable" : "disable");
        if (!enabled) {
            body.put("stop_recording", false);
        }
        send(tier, JanusClient.STREAMING, body);
    }

    /** An edge mountpoint's `info`: enabled, viewers, and per line the age of the last packet. */
    CompletableFuture<MountpointInfo> mountpointInfo(StreamRecord stream, TierRecord tier) {
        JanusServer server = servers.get(tier.serverId());
        return servers.client(server).request(JanusClient.STREAMING, mountpointBody(stream, "info"))
                      .thenApply(answer -> {
                          JsonNode info = answer.path("info");
                          List<MountpointInfo.MediaStatus> media = new ArrayList<>();
                          for (JsonNode m : info.path("media")) {
                              media.add(new MountpointInfo.MediaStatus(m.path("type").asText(), m.path("mid").asText(),
                                                                       m.path("age_ms").asLong()));
                          }
                          return new MountpointInfo(info.path("enabled").asBoolean(), info.path("viewers").asInt(),
                                                    media);
                      });
    }

    static boolean isMissingMountpoint(Throwable e) {
        return e instanceof JanusPluginError error && error.code() == STREAMING_NO_SUCH_MOUNTPOINT;
    }

    void destroyMountpoint(StreamRecord stream, TierRecord tier) {
        try {
            send(tier, JanusClient.STREAMING, mountpointBody(stream, "destroy"));
        } catch (JanusPluginError e) {
            if (e.code() != STREAMING_NO_SUCH_MOUNTPOINT) {
                throw e;
            }
        }
    }

    /** Removes what a failed creation left; the caller reports the first failure, so this one is only logged. */
    private static void undoQuietly(Runnable removal, StreamRecord stream, TierRecord tier) {
        try {
            removal.run();
        } catch (RuntimeException e) {
            // It stays on that Janus until it restarts.
            logger.warn("Could not remove what stream {} half made on {}", stream.id(), tier.serverName(), e);
        }
    }

    private JsonNode send(TierRecord tier, String plugin, ObjectNode body) {
        return servers.client(servers.get(tier.serverId())).send(plugin, body);
    }

    private static ObjectNode roomBody(StreamRecord stream, String request) {
        ObjectNode body = JanusClient.body(request);
        body.put("room", stream.id());
        body.put("secret", stream.secret());
        return body;
    }

    private static ObjectNode mountpointBody(StreamRecord stream, String request) {
        ObjectNode body = JanusClient.body(request);
        body.put("id", stream.id());
        body.put("secret", stream.secret());
        return body;
    }
}
