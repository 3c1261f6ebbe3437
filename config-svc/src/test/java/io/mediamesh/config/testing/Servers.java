package io.mediamesh.config.testing;

import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.ServerOverrides;
import java.util.concurrent.atomic.AtomicInteger;

/** Media servers for tests: each on loopback with ports of its own, as the demo topology runs them. */
public final class Servers {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private Servers() {}

    /** A distinct loopback server of {@code role} (relays and edges in group "g1"). */
    public static MediaServer.Builder loopback(String name, MediaServerRole role) {
        int slot = NEXT.incrementAndGet();
        return MediaServer.newBuilder()
                          .setName(name)
                          .setRole(role)
                          .setPublicAddress("127.0.0.1")
                          .setInternalAddress("127.0.0.1")
                          .setRelayGroup(role == MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN ? "" : "g1")
                          .setAgentEndpoint("127.0.0.1:" + (30000 + slot))
                          .setEnabled(true)
                          .setOverrides(overrides(slot));
    }

    /** Ports and folders of one loopback slot, none shared with another slot. */
    public static ServerOverrides overrides(int slot) {
        int base = 31000 + slot * 10;
        return ServerOverrides.newBuilder()
                              .setJanusHttpPort(base)
                              .setJanusAdminPort(base + 1)
                              .setCoturnListeningPort(base + 2)
                              .setNginxListenPort(base + 3)
                              .setJanusRecDir("/tmp/mediamesh-test/slot" + slot + "/recordings")
                              .build();
    }
}
