package io.mediamesh.media.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.mediamesh.api.v1.GetConfigRequest;
import io.mediamesh.api.v1.GetVideoRoomRequest;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.NginxConfig;
import io.mediamesh.api.v1.PutConfigRequest;
import io.mediamesh.api.v1.RenderConfigRequest;
import io.mediamesh.api.v1.VideoRoom;
import io.mediamesh.api.v1.VideoRoomServiceGrpc.VideoRoomServiceBlockingStub;
import io.mediamesh.media.janus.JanusClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * What a room's recordings need besides the mesh: each server's nginx, running the file config-svc
 * renders for it (the recordings location, signed links), and media for Janus to record, from a
 * remote publisher fed over loopback UDP (JANUS.md).
 */
public final class RecordingServers implements AutoCloseable {
    private final RoomMesh mesh;
    private final String admin;
    private final Map<Long, NginxInstance> nginx = new HashMap<>();

    /** A remote publisher's ports: RTP (every stream, told apart by SSRC) and RTCP. */
    public record RemotePublisher(long id, int port, int rtcpPort) {}

    /** Starts an nginx per server of {@code mesh}, set up by {@code admin} (a session) to listen on loopback. */
    public RecordingServers(RoomMesh mesh, String admin) {
        this.mesh = mesh;
        this.admin = admin;
        ConfigServiceBlockingStub configs = mesh.configs(admin);
        for (MediaServer server : mesh.servers()) {
            // The default document, listening on loopback only (the server's port override stays).
            NginxConfig doc = configs.getConfig(GetConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                                                                .setRole(server.getRole()).build())
                                     .getRevision().getDocument().getNginx();
            if (!doc.getListen(0).getAddress().equals("127.0.0.1")) {
                configs.putConfig(PutConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                        .setRole(server.getRole()).setMessage("loopback for the test")
                        .setDocument(ConfigDocument.newBuilder().setNginx(
                                doc.toBuilder().setListen(0, doc.getListen(0).toBuilder().setAddress("127.0.0.1"))))
                        .build());
            }
            String conf = configs.renderConfig(RenderConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                                                                  .setServerId(server.getId()).build())
                                 .getFiles(0).getContent().toStringUtf8();
            assertThat(conf).contains("autoindex_format json;", "secure_link $arg_md5,$arg_expires;");
            nginx.put(server.getId(), new NginxInstance(mesh.dir().resolve("nginx-" + server.getName()), conf,
                                                        server.getOverrides().getNginxListenPort()).start());
        }
    }

    /** The nginx of server {@code serverId}. */
    public NginxInstance nginx(long serverId) {
        return nginx.get(serverId);
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

    @Override
    public void close() {
        nginx.values().forEach(NginxInstance::close);
    }
}
