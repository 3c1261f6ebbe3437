package io.mediamesh.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The client behind the trusted proxies (through the gateway: LoginThrottlingTest). */
@Tag("fast")
class ClientAddressesTest {
    private static final InetAddress PROXY = InetAddresses.forString("127.0.0.1");
    private final ClientAddresses addresses = new ClientAddresses(List.of("127.0.0.1", "127.10.0.0/16"));

    private String resolve(InetAddress peer, String... forwardedFor) {
        return addresses.resolve(peer, List.of(forwardedFor)).getHostAddress();
    }

    @Test
    void aPeerThatIsNoTrustedProxyIsTheClientWhateverItSays() {
        assertThat(resolve(InetAddresses.forString("127.0.0.9"), "127.0.0.5")).isEqualTo("127.0.0.9");
    }

    @Test
    void theClientIsTheLastAddressNoTrustedProxyAdded() {
        assertThat(resolve(PROXY, "127.0.0.5")).isEqualTo("127.0.0.5");
        // What the client wrote before its proxy's entry is never believed.
        assertThat(resolve(PROXY, "127.0.0.66, 127.0.0.5")).isEqualTo("127.0.0.5");
        assertThat(resolve(PROXY, "127.0.0.66,127.0.0.5, 127.10.3.4")).isEqualTo("127.0.0.5");
        // Several header lines are one list.
        assertThat(resolve(PROXY, "127.0.0.66", "127.0.0.5", "127.10.3.4")).isEqualTo("127.0.0.5");
        assertThat(resolve(PROXY, "[::1]:4711, 127.0.0.5:80")).isEqualTo("127.0.0.5");
        assertThat(resolve(PROXY, "127.0.0.5, 127.0.0.7:4711")).isEqualTo("127.0.0.7");
    }

    @Test
    void withoutAnAddressToBelieveTheProxyIsTheClient() {
        assertThat(resolve(PROXY)).isEqualTo("127.0.0.1");
        assertThat(resolve(PROXY, "unknown")).isEqualTo("127.0.0.1");
        assertThat(resolve(PROXY, "127.0.0.5, _hidden")).isEqualTo("127.0.0.1");
        // A chain of trusted proxies only: the first of them.
        assertThat(resolve(PROXY, "127.10.0.1, 127.10.0.2")).isEqualTo("127.10.0.1");
    }

    @Test
    void withNoTrustedProxyTheHeaderIsIgnored() {
        assertThat(new ClientAddresses(List.of()).resolve(PROXY, List.of("127.0.0.5")).getHostAddress())
                .isEqualTo("127.0.0.1");
    }
}
