package io.mediamesh.config.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("fast")
class AddressesTest {
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.0.0.5", "::1", "2001:db8::1", "::ffff:10.0.0.1"})
    void ipLiterals(String value) {
        assertThat(Addresses.isIpLiteral(value)).isTrue();
        assertThat(Addresses.checkAddress(value, "a")).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "media-1.example.com", "EDGE.example.COM", "a.b-c.d1", "x1"})
    void hostNames(String value) {
        assertThat(Addresses.isIpLiteral(value)).isFalse();
        assertThat(Addresses.isHostName(value)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "example.123", "-a.com", "a-.com", "a..com",
                            ".com", "a_b.com", "[::1]", "::1%lo", "1.2.3.4:80", "exa mple.com"})
    void neither(String value) {
        assertThat(Addresses.isIpLiteral(value) || Addresses.isHostName(value)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:9500", "[::1]:9500", "localhost:1", "agent.example.com:65535"})
    void endpoints(String value) {
        assertThat(Addresses.checkEndpoint(value, "agent_endpoint")).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1:9500", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:+80",
                            "[127.0.0.1]:80", "host:", ":80", "a b:80"})
    void notEndpoints(String value) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Addresses.checkEndpoint(value, "agent_endpoint"))
                                       .hasMessageContaining("agent_endpoint");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "media.example.com"})
    void urlHosts(String value) {
        assertThat(Addresses.forUrl(value)).isEqualTo(value.contains(":") ? "[" + value + "]" : value);
    }
}
