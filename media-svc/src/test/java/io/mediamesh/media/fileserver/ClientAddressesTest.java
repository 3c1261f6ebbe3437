package io.mediamesh.media.fileserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Who the client is behind trusted proxies: a client cannot choose its identity with X-Forwarded-For. */
@Tag("fast")
class ClientAddressesTest {
    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void withoutTrustedProxiesThePeerIsTheClient() throws Exception {
        ClientAddresses addresses = new ClientAddresses(List.of());
        HttpHeaders headers = new DefaultHttpHeaders().add("X-Forwarded-For", "198.51.100.7");
        assertThat(addresses.client(ip("127.0.0.9"), headers)).isEqualTo(ip("127.0.0.9"));
    }

    @Test
    void aTrustedProxyNamesTheHopBeforeItAndNoMore() throws Exception {
        ClientAddresses addresses = new ClientAddresses(List.of(ip("127.0.0.1"), ip("127.0.0.2")));
        // The client forged the first entry; the trusted proxies appended the rest.
        HttpHeaders headers = new DefaultHttpHeaders().add("X-Forwarded-For", "203.0.113.1, 127.0.0.5, 127.0.0.2");
        assertThat(addresses.client(ip("127.0.0.1"), headers)).isEqualTo(ip("127.0.0.5"));
        HttpHeaders split = new DefaultHttpHeaders().add("X-Forwarded-For", "203.0.113.1")
                                                    .add("X-Forwarded-For", "127.0.0.6");
        assertThat(addresses.client(ip("127.0.0.1"), split)).isEqualTo(ip("127.0.0.6"));
    }

    @Test
    void garbageEndsTheWalkWhereItIs() throws Exception {
        ClientAddresses addresses = new ClientAddresses(List.of(ip("127.0.0.1")));
        HttpHeaders headers = new DefaultHttpHeaders().add("X-Forwarded-For", "evil.example, not-an-ip");
        assertThat(addresses.client(ip("127.0.0.1"), headers)).isEqualTo(ip("127.0.0.1"));
    }
}
