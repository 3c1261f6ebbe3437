package io.mediamesh.gateway.admin;

import com.linecorp.armeria.common.HttpMethod;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every admin route of this issue without a session, with a forged identity, with a logged-out
 * session, with a plain user's session (all refused, nothing changed), and with an admin's.
 */
class AdminAuthorizationTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh().withConfigSvc();

    private static Rest rest;

    /** A route; its path and body are made fresh for each check, so a success never affects the next. */
    record Route(String name, HttpMethod method, Supplier<String> path, Supplier<String> body, int successStatus) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Route> routes() {
        return Stream.of(
                new Route("list servers", HttpMethod.GET, () -> "/api/admin/servers", () -> null, 200),
                new Route("create server", HttpMethod.POST, () -> "/api/admin/servers",
                          () -> AdminServerRoutesTest.server("auth-" + System.nanoTime(), "edge", "g", ""), 201),
                new Route("get server", HttpMethod.GET, () -> "/api/admin/servers/" + newServer(), () -> null, 200),
                new Route("update server", HttpMethod.PUT, () -> "/api/admin/servers/" + newServer(),
                          () -> AdminServerRoutesTest.server("auth-" + System.nanoTime(), "relay", "g", ""), 200),
                new Route("delete server", HttpMethod.DELETE, () -> "/api/admin/servers/" + newServer(), () -> null,
                          204),
                new Route("get config", HttpMethod.GET, () -> "/api/admin/configs/janus/edge", () -> null, 200),
                new Route("put config", HttpMethod.PUT, () -> "/api/admin/configs/nginx/edge",
                          AdminAuthorizationTest::nginxWrite, 200),
                new Route("list revisions", HttpMethod.GET, () -> "/api/admin/configs/coturn/relay/revisions",
                          () -> null, 200),
                new Route("get revision", HttpMethod.GET, () -> "/api/admin/configs/nginx/origin/revisions/1",
                          () -> null, 200),
                new Route("revert", HttpMethod.POST, () -> "/api/admin/configs/nginx/origin/revert",
                          () -> "{\"revision\":1}", 200));
    }

    @BeforeAll
    static void setUp() {
        rest = mesh.rest();
    }

    private static String adminSession() {
        return rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
    }

    private static long newServer() {
        return rest.post("/api/admin/servers", AdminServerRoutesTest.server("auth-" + System.nanoTime(), "edge", "g",
                                                                            ""),
                         "X-Session-Id", adminSession()).expect(201, "ok").body().get("id").asLong();
    }

    private static String nginxWrite() {
        String document = rest.get("/api/admin/configs/nginx/edge", "X-Session-Id", adminSession())
                              .expect(200, "ok").body().get("document").toString();
        return "{\"document\":" + document + ",\"message\":\"auth\",\"skip_validation\":true}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void withoutSessionIs401(Route route) {
        send(route).expect(401, "UNAUTHENTICATED");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void forgedIdentityIs401(Route route) {
        send(route, "X-User-Name", Mesh.ADMIN, "X-User-Role", "admin").expect(401, "UNAUTHENTICATED");
        send(route, "X-Session-Id", "forged-session").expect(401, "UNAUTHENTICATED");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void loggedOutSessionIs401(Route route) {
        String session = adminSession();
        rest.post("/api/logout", "", "X-Session-Id", session).expect(204);
        send(route, "X-Session-Id", session).expect(401, "UNAUTHENTICATED");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void aUsersSessionIs403(Route route) {
        String user = rest.register("admin_auth_" + System.nanoTime());
        send(route, "X-Session-Id", user).expect(403, "PERMISSION_DENIED");
        // As a browser on the site sends it: the cookie and the site's own Origin.
        send(route, "Cookie", "session=" + user, "Origin", mesh.gatewayUri()).expect(403, "PERMISSION_DENIED");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void anAdminMayDoIt(Route route) {
        send(route, "X-Session-Id", adminSession()).expect(route.successStatus());
    }

    private static Rest.Response send(Route route, String... headers) {
        return rest.send(route.method(), route.path().get(), route.body().get(), headers);
    }
}
