package io.mediamesh.media.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.NetworkInterface;
import org.junit.jupiter.api.Test;

/** The fixture that gives Janus a non-loopback address makes it and removes everything it made. */
class MediaNamespaceTest {
    @Test
    void makesAVethAddressOfTheRootNamespaceAndRemovesNamespaceAndLinks() throws Exception {
        String namespace;
        String link;
        try (MediaNamespace created = MediaNamespace.create(); MediaNamespace second = MediaNamespace.create()) {
            namespace = created.namespace();
            link = created.interfaceName();
            NetworkInterface veth = NetworkInterface.getByName(link);
            assertThat(veth.isUp()).isTrue();
            assertThat(veth.isLoopback()).isFalse();
            assertThat(veth.inetAddresses()).contains(InetAddress.getByName(created.hostAddress()));
            assertThat(created.hostAddress()).startsWith("10.213.");
            // The namespace's end answers across the pair.
            assertThat(InetAddress.getByName(created.peerAddress()).isReachable(veth, 0, 2000)).isTrue();
            // Two fixtures of one JVM (or of two) get their own names and subnets.
            assertThat(second.interfaceName()).isNotEqualTo(link);
            assertThat(second.hostAddress()).isNotEqualTo(created.hostAddress());
            assertThat(MediaNamespace.exists(namespace)).isTrue();
        }
        assertThat(MediaNamespace.exists(namespace)).isFalse();
        assertThat(MediaNamespace.exists(link)).isFalse();
    }

    @Test
    void removesWhatARunThatWasKilledLeft() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        long dead = finished.pid();
        String staleNamespace = "mm-" + dead + "-0";
        String staleLink = "mm" + dead + "k0";
        assertThat(new ProcessBuilder("ip", "netns", "add", staleNamespace).start().waitFor()).isZero();
        assertThat(new ProcessBuilder("ip", "link", "add", staleLink, "type", "veth", "peer", "name", "mm" + dead + "p0")
                           .start().waitFor()).isZero();
        try (MediaNamespace fresh = MediaNamespace.create()) {
            assertThat(MediaNamespace.exists(staleNamespace)).isFalse();
            assertThat(MediaNamespace.exists(staleLink)).isFalse();
            assertThat(MediaNamespace.exists(fresh.namespace())).isTrue();
        }
    }
}
