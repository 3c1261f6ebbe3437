package io.mediamesh.launcher.plane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
final class ServerRegistrationTest {
    @Test
    void aServerIsRegisteredOnLoopbackWithItsPortsAndFolders() throws Exception {
        PlaneServer edge = PlaneServer.DEMO.get(2);
        assertThat(ServerRegistration.json(edge, edge.ports(0), Path.of("/home/m/media-plane/demo-edge-1/recordings")))
                .isEqualTo(AdminApi.JSON.readTree("""
                        {"name": "demo-edge-1", "role": "edge", "public_address": "127.0.0.1",
                         "internal_address": "127.0.0.1", "relay_group": "demo", "agent_endpoint": "127.0.0.1:9113",
                         "enabled": true,
                         "overrides": {"janus_http_port": 18288, "janus_admin_port": 17288, "nginx_listen_port": 18280,
                                       "coturn_listening_port": 13498,
                                       "janus_rtp_port_range": {"min": 22000, "max": 22999},
                                       "streaming_rtp_port_range": {"min": 32000, "max": 32999},
                                       "coturn_relay_port_range": {"min": 42000, "max": 42999},
                                       "janus_rec_dir": "/home/m/media-plane/demo-edge-1/recordings"}}
                        """));
    }

    @Test
    void theOriginIsInNoRelayGroup() {
        PlaneServer origin = PlaneServer.DEMO.get(0);
        assertThat(ServerRegistration.json(origin, origin.ports(0), Path.of("/r")).get("relay_group").asText()).isEmpty();
    }
}
