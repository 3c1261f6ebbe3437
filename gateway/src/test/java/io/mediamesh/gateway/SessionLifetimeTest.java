package io.mediamesh.gateway;

import static io.mediamesh.gateway.testing.Rest.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.common.testing.Await;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.gateway.testing.Rest.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A session's absolute lifetime: however much it is used, it ends that long after login, and the
 * cookie's Max-Age says so. This mesh is configured as a site whose TLS ends at a proxy.
 */
class SessionLifetimeTest {
    private static final Duration LIFETIME = Duration.ofSeconds(3);

    @RegisterExtension
    static final Mesh mesh = new Mesh().with("mediamesh.user-svc.sessions.absolute-lifetime", LIFETIME.toMillis() + "ms")
                                       .with("mediamesh.user-svc.sessions.renew-after", "0s")
                                       .with("mediamesh.gateway.browser.secure-cookies", true);

    private final Rest rest = mesh.rest();

    @Test
    void aSessionInUseStillEndsAtItsAbsoluteLifetime() {
        rest.register("life_alice");
        Instant loggedIn = Instant.now();
        Response login = rest.post("/api/login", json("user_name", "life_alice", "pwd", "password-life_alice"))
                             .expect(200, "ok");
        String session = login.body().get("session_id").asText();
        String cookie = login.headers().get("set-cookie");
        assertThat(cookie).contains("Secure", "HTTPOnly", "SameSite=Lax");
        assertThat(maxAge(cookie)).isBetween(LIFETIME.toSeconds() - 1, LIFETIME.toSeconds());
        // The idle expiry never passes the absolute one.
        assertThat(Instant.parse(login.body().get("expires_at").asText()))
                .isBefore(loggedIn.plus(LIFETIME).plusSeconds(1));

        List<Integer> statuses = new ArrayList<>();
        Await.until("the session ends", () -> {
            int status = rest.get("/api/user/life_alice", "Cookie", "session=" + session).status();
            statuses.add(status);
            return status == 401;
        });
        Duration lived = Duration.between(loggedIn, Instant.now());
        assertThat(lived).isGreaterThanOrEqualTo(LIFETIME.minusMillis(200));
        // Used all along (well within the idle timeout) and answered until the end.
        assertThat(statuses.subList(0, statuses.size() - 1)).isNotEmpty().containsOnly(200);
        rest.get("/api/user/life_alice", "X-Session-Id", session).expect(401, "UNAUTHENTICATED");
        rest.post("/api/logout", "", "X-Session-Id", session).expect(401, "UNAUTHENTICATED");
        // A new login is a new session, with a lifetime of its own.
        String again = rest.login("life_alice", "password-life_alice");
        rest.get("/api/user/life_alice", "X-Session-Id", again).expect(200, "ok");
    }

    private static long maxAge(String setCookie) {
        Matcher matcher = Pattern.compile("Max-Age=([0-9]+)").matcher(setCookie);
        assertThat(matcher.find()).as("Max-Age in %s", setCookie).isTrue();
        return Long.parseLong(matcher.group(1));
    }
}
