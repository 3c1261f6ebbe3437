package io.mediamesh.gateway.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import io.mediamesh.gateway.GatewayFileSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The headers on an HTML page, before the site has one (the gateway's own responses: ManagementPortTest). */
class SecurityHeadersTest {
    @RegisterExtension
    static final ServerExtension server = new ServerExtension() {
        @Override
        protected void configure(ServerBuilder sb) {
            sb.decorator(new SecurityHeaders(new GatewayFileSettings("127.0.0.1:8081", "", Duration.ofSeconds(60)),
                                             List.of("http://10.0.0.5:8000", "https://janus.example")))
              .service("/page", (ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.HTML_UTF_8,
                                                              "<html><body>hi</body></html>"))
              .service("/data", (ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, "{}"));
        }
    };

    @Test
    void htmlGetsAStrictContentSecurityPolicy() {
        AggregatedHttpResponse page = BlockingWebClient.of(server.httpUri()).get("/page");
        assertThat(page.headers().get("content-security-policy"))
                .isEqualTo(SecurityHeaders.HTML_POLICY + "; media-src 'self' http://127.0.0.1:8081" +
                           "; connect-src 'self' http://10.0.0.5:8000 https://janus.example")
                .contains("default-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(page.headers().get("x-content-type-options")).isEqualTo("nosniff");
        assertThat(page.headers().get("x-frame-options")).isEqualTo("DENY");
        assertThat(page.headers().get("referrer-policy")).isEqualTo("strict-origin-when-cross-origin");
    }

    @Test
    void aJanusOriginThatIsNotJustAnOriginIsRefusedAtStart() {
        assertThatThrownBy(() -> new BrowserSettings(false, List.of(), List.of("http://a.example; script-src *"),
                                                   IceTransportPolicy.ALL))
                .hasMessageContaining("janus-origins takes scheme://host[:port]");
    }

    @Test
    void anIceTransportPolicyOtherThanAllOrRelayIsRefusedAtStart() {
        assertThat(IceTransportPolicy.of("relay")).isEqualTo(IceTransportPolicy.RELAY);
        assertThatThrownBy(() -> IceTransportPolicy.of("RELAY"))
                .hasMessage("gateway.browser.ice-transport-policy takes all or relay, got RELAY");
    }

    @Test
    void otherResponsesGetTheRest() {
        AggregatedHttpResponse data = BlockingWebClient.of(server.httpUri()).get("/data");
        assertThat(data.headers().contains("content-security-policy")).isFalse();
        assertThat(data.headers().get("x-content-type-options")).isEqualTo("nosniff");
        AggregatedHttpResponse missing = BlockingWebClient.of(server.httpUri()).get("/nothing");
        assertThat(missing.status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(missing.headers().get("x-content-type-options")).isEqualTo("nosniff");
    }
}
