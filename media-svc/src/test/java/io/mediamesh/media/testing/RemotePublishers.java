package io.mediamesh.media.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediamesh.api.v1.GetVideoRoomRequest;
import io.mediamesh.api.v1.VideoRoom;
import io.mediamesh.api.v1.VideoRoomServiceGrpc.VideoRoomServiceBlockingStub;
import io.mediamesh.media.janus.JanusClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;

/**
 * Media for Janus to record, from remote publishers fed over loopback UDP (JANUS.md). The room
 * servers' nginx, which serves the recordings, is the mesh's own ({@link RoomMesh#withNginx()}).
 */
public final class RemotePublishers {
    private final RoomMesh mesh;
    private final String admin;

    /** A remote publisher's ports: RTP (every stream, told apart by SSRC) and RTCP. */
    public record RemotePublisher(long id, int port, int rtcpPort) {}

    /** For rooms of {@code mesh}, whose secrets {@code admin} (a session) reads. */
    public RemotePublishers(RoomMesh mesh, String admin) {
        this.mesh = mesh;
        this.admin = admin;
    }

    /**
     * Adds a remote publisher with an audio (mindex 0, Opus) and a video (mindex 1, VP8) stream to
     * the room, on ports of its own: RTP with SSRC 1000 + 10 * mindex feeds them.
     */
    public RemotePublisher addRemotePublisher(VideoRoom room, long id) {
        String secret = mesh.media(VideoRoomServiceBlockingStub.class, admin)
                            .getVideoRoom(GetVideoRoomRequest.newBuilder().setRoomId(room.getRoomId()).build())
                            .getRoom().getSecret();
        RemotePublisher publisher = new RemotePublisher(id, freeUdpPort(), freeUdpPort());
        JanusProbe probe = new JanusProbe(mesh.janusOf(room.getServer().getId()).apiUrl());
        ObjectNode body = JanusProbe.body("add_remote_publisher");
        body.put("room", room.getRoomId());
        body.put("secret", secret);
        body.put("id", id);
        body.put("display", "camera");
        body.put("iface", "127.0.0.1");
        body.put("port", publisher.port());
        body.put("rtcp_port", publisher.rtcpPort());
        ArrayNode streams = body.putArray("streams");
        streams.addObject().put("type", "audio").put("mindex", 0).put("mid", "0").put("codec", "opus");
        streams.addObject().put("type", "video").put("mindex", 1).put("mid", "1").put("codec", "vp8");
        assertThat(probe.request(probe.attach(JanusClient.VIDEOROOM), body).path("videoroom").asText())
                .isEqualTo("success");
        return publisher;
    }

    private static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
