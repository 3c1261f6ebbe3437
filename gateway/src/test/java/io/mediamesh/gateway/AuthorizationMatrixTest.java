package io.mediamesh.gateway;

import static io.mediamesh.gateway.testing.Rest.json;

import com.linecorp.armeria.common.HttpMethod;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route that needs a session, tried with none, a forged identity header, an expired
 * session, a logged-out session, another user's session, and an admin's.
 */
class AuthorizationMatrixTest {
    /** Short enough to watch a session expire; renewals are written on every use. */
    private static final long IDLE_MILLIS = 3000;

    @RegisterExtension
    static final Mesh mesh = new Mesh().with("mediamesh.user-svc.sessions.idle-timeout", IDLE_MILLIS + "ms")
                                       .with("mediamesh.user-svc.sessions.renew-after", "0s");

    private static Rest rest;

    /** A route, and what a non-owner's session gets on it (403, or success where anyone may). */
    record Route(String name, HttpMethod method, Function<Fixture, String> path, String body, int otherUserStatus,
                 int successStatus) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Fresh resources per check, so that a successful call never affects the next one. */
    record Fixture(String ownerName, long video, long comment) {}

    static Stream<Route> routes() {
        return Stream.of(
                new Route("get user", HttpMethod.GET, f -> "/api/user/" + f.ownerName(), null, 403, 200),
                new Route("delete user", HttpMethod.DELETE, f -> "/api/user/" + f.ownerName(), null, 403, 204),
                new Route("create video", HttpMethod.POST, f -> "/api/user/" + f.ownerName() + "/videos",
                          json("name", "v"), 403, 201),
                new Route("delete video", HttpMethod.DELETE, f -> "/api/videos/" + f.video(), null, 403, 204),
                new Route("post comment", HttpMethod.POST, f -> "/api/videos/" + f.video() + "/comments",
                          json("content", "hi"), 201, 201),
                new Route("delete comment", HttpMethod.DELETE,
                          f -> "/api/videos/" + f.video() + "/comments/" + f.comment(), null, 403, 204),
                new Route("logout", HttpMethod.POST, f -> "/api/logout", "", 204, 204));
    }

    @BeforeAll
    static void setUp() {
        rest = mesh.rest();
    }

    private static Fixture newFixture() {
        String name = "m_owner_" + System.nanoTime();
        String session = rest.register(name);
        long video = rest.createVideo(session, name, "v");
        long comment = rest.postComment(session, video, "c");
        return new Fixture(name, video, comment);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void withoutSessionIs401(Route route) {
        send(route, newFixture()).expect(401, "UNAUTHENTICATED");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void forgedIdentityHeadersAreIgnored(Route route) {
        Fixture fixture = newFixture();
        send(route, fixture, "X-User-Name", fixture.ownerName(), "X-User-Id", "1", "X-User-Role", "admin")
                .expect(401, "UNAUTHENTICATED");
        send(route, fixture, "X-Session-Id", "forged-session-id", "X-User-Name", fixture.ownerName())
                .expect(401, "UNAUTHENTICATED");
    }

    /** One wait for all routes: each route gets its own fixture and session, all left idle together. */
    @Test
    void expiredSessionIs401() throws InterruptedException {
        List<Route> all = routes().toList();
        List<Fixture> fixtures = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Fixture fixture = newFixture();
            fixtures.add(fixture);
            sessions.add(rest.login(fixture.ownerName(), "password-" + fixture.ownerName()));
        }
        Thread.sleep(IDLE_MILLIS + 500);
        for (int i = 0; i < all.size(); i++) {
            send(all.get(i), fixtures.get(i), "X-Session-Id", sessions.get(i)).expect(401, "UNAUTHENTICATED");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void loggedOutSessionIs401(Route route) {
        Fixture fixture = newFixture();
        String session = rest.login(fixture.ownerName(), "password-" + fixture.ownerName());
        rest.post("/api/logout", "", "X-Session-Id", session).expect(204);
        send(route, fixture, "X-Session-Id", session).expect(401, "UNAUTHENTICATED");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void anotherUsersSessionIsRefusedWhereTheApiSaysSo(Route route) {
        Fixture fixture = newFixture();
        String stranger = rest.register("m_stranger_" + System.nanoTime());
        Rest.Response response = send(route, fixture, "X-Session-Id", stranger);
        if (route.otherUserStatus() == 403) {
            response.expect(403, "PERMISSION_DENIED");
            // Refused means untouched: the owner still sees everything.
            rest.get("/api/videos/" + fixture.video()).expect(200, "ok");
        } else {
            response.expect(route.otherUserStatus());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void adminMayDoIt(Route route) {
        String admin = rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
        send(route, newFixture(), "X-Session-Id", admin).expect(route.successStatus());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void ownerMayDoIt(Route route) {
        Fixture fixture = newFixture();
        String session = rest.login(fixture.ownerName(), "password-" + fixture.ownerName());
        // As a browser on the site sends it: the cookie, and the site's own Origin.
        send(route, fixture, "Cookie", "session=" + session, "Origin", mesh.gatewayUri())
                .expect(route.successStatus());
    }

    private static Rest.Response send(Route route, Fixture fixture, String... headers) {
        return rest.send(route.method(), route.path().apply(fixture), route.body(), headers);
    }

}
