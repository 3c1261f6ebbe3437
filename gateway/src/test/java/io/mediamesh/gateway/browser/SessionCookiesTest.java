package io.mediamesh.gateway.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.Cookie;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import io.mediamesh.api.v1.Session;
import io.mediamesh.common.time.Times;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The session cookie's attributes over plain HTTP and over TLS, from a real server on both (the
 * gateway's own: UserRoutesTest, SessionLifetimeTest).
 */
class SessionCookiesTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Session SESSION = Session.newBuilder().setSessionId("s")
                                                  .setExpiresAt(Times.toProto(NOW.plus(Duration.ofMinutes(30))))
                                                  .setAbsoluteExpiresAt(Times.toProto(NOW.plus(Duration.ofDays(7))))
                                                  .build();

    @RegisterExtension
    static final ServerExtension server = new ServerExtension() {
        @Override
        protected void configure(ServerBuilder sb) {
            sb.http(0).https(0).tlsSelfSigned();
            serve(sb, "/issue", new SessionCookies(false, at(NOW)), true);
            serve(sb, "/issue-later", new SessionCookies(false, at(NOW.plus(Duration.ofDays(6)))), true);
            serve(sb, "/issue-past", new SessionCookies(false, at(NOW.plus(Duration.ofDays(8)))), true);
            serve(sb, "/issue-behind-proxy", new SessionCookies(true, at(NOW)), true);
            serve(sb, "/clear", new SessionCookies(false, at(NOW)), false);
            serve(sb, "/clear-behind-proxy", new SessionCookies(true, at(NOW)), false);
        }

        private void serve(ServerBuilder sb, String path, SessionCookies cookies, boolean issue) {
            sb.service(path, (ctx, req) -> HttpResponse.of(ResponseHeaders.builder(HttpStatus.NO_CONTENT).cookie(
                    issue ? cookies.issue(ctx, SESSION) : cookies.clear(ctx)).build()));
        }
    };

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    private static Cookie cookie(boolean tls, String path) {
        WebClient client = WebClient.builder(tls ? server.httpsUri() : server.httpUri())
                                    .factory(ClientFactory.insecure()).build();
        String header = client.blocking().get(path).headers().get("set-cookie");
        return Cookie.fromSetCookieHeader(header);
    }

    @Test
    void overTlsTheCookieIsSecure() {
        Cookie overTls = cookie(true, "/issue");
        assertThat(overTls.isSecure()).isTrue();
        assertThat(overTls.isHttpOnly()).isTrue();
        assertThat(overTls.sameSite()).isEqualTo("Lax");
        assertThat(overTls.path()).isEqualTo("/");
        assertThat(overTls.maxAge()).isEqualTo(Duration.ofDays(7).toSeconds());
        assertThat(cookie(true, "/clear").isSecure()).isTrue();

        Cookie plain = cookie(false, "/issue");
        assertThat(plain.isSecure()).isFalse();
        assertThat(plain.isHttpOnly()).isTrue();
    }

    @Test
    void theConfigurationMakesItSecureBehindATlsProxy() {
        assertThat(cookie(false, "/issue-behind-proxy").isSecure()).isTrue();
        Cookie cleared = cookie(false, "/clear-behind-proxy");
        assertThat(cleared.isSecure()).isTrue();
        assertThat(cleared.maxAge()).isZero();
        assertThat(cleared.value()).isEmpty();
    }

    @Test
    void theMaxAgeIsWhatIsLeftOfTheAbsoluteLifetime() {
        assertThat(cookie(false, "/issue-later").maxAge()).isEqualTo(Duration.ofDays(1).toSeconds());
        assertThat(cookie(false, "/issue-past").maxAge()).isZero();
    }
}
