package io.mediamesh.gateway;

import static io.mediamesh.gateway.testing.Rest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpMethod;
import io.mediamesh.common.db.Database;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.gateway.testing.Rest.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cross-site request forgery, route by route: every state-changing route of API.md, sent as
 * another site would make a browser send it (the session cookie, Origin and Sec-Fetch-Site of
 * another site, a content type a form can have) is refused with 403 CROSS_SITE_REQUEST and
 * changes nothing; the same request with the session in the X-Session-Id header, which no other
 * site can set, is not a forgery and works.
 */
class CrossSiteRequestTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh().withScheduler().withConfigSvc();

    private static final String EVIL = "http://evil.example";
    private static final String NO_BODY = null;
    private static Rest rest;
    private static String admin;

    /** A route as the attack suite sends it; {@code admin}: it needs an admin's session. */
    record Route(String name, HttpMethod method, Function<Fixture, String> path, Function<Fixture, String> body,
                 boolean admin) {
        Route(String name, HttpMethod method, Function<Fixture, String> path, String body, boolean admin) {
            this(name, method, path, f -> body, admin);
        }

        @Override
        public String toString() {
            return method + " " + name;
        }
    }

    /** A user with a session, a video and a comment. */
    record Fixture(String user, String session, long video, long comment) {}

    static Stream<Route> routes() {
        String room = json("description", "forged", "max_publishers", 2);
        return Stream.of(
                new Route("/api/register", HttpMethod.POST, f -> "/api/register",
                          json("user_name", "csrf_new_user", "pwd", "password-new"), false),
                new Route("/api/login", HttpMethod.POST, f -> "/api/login",
                          f -> json("user_name", f.user(), "pwd", "password-" + f.user()), false),
                new Route("/api/logout", HttpMethod.POST, f -> "/api/logout", "", false),
                new Route("/api/user/:user_name", HttpMethod.DELETE, f -> "/api/user/" + f.user(), NO_BODY, false),
                new Route("/api/user/:user_name/videos", HttpMethod.POST, f -> "/api/user/" + f.user() + "/videos",
                          json("name", "forged"), false),
                new Route("/api/videos/:vid", HttpMethod.DELETE, f -> "/api/videos/" + f.video(), NO_BODY, false),
                new Route("/api/videos/:vid/comments", HttpMethod.POST, f -> "/api/videos/" + f.video() + "/comments",
                          json("content", "forged"), false),
                new Route("/api/videos/:vid/comments/:cid", HttpMethod.DELETE,
                          f -> "/api/videos/" + f.video() + "/comments/" + f.comment(), NO_BODY, false),
                new Route("/upload/videos/:vid", HttpMethod.POST, f -> "/upload/videos/" + f.video(),
                          "forged bytes", false),
                new Route("/scheduler/videos/:vid", HttpMethod.DELETE, f -> "/scheduler/videos/" + f.video(), NO_BODY,
                          true),
                new Route("/api/admin/servers", HttpMethod.POST, f -> "/api/admin/servers", server("forged"), true),
                new Route("/api/admin/servers/:id", HttpMethod.PUT, f -> "/api/admin/servers/1", server("forged"),
                          true),
                new Route("/api/admin/servers/:id", HttpMethod.DELETE, f -> "/api/admin/servers/1", NO_BODY, true),
                new Route("/api/admin/configs/:kind/:role", HttpMethod.PUT, f -> "/api/admin/configs/nginx/origin",
                          "{\"document\":{},\"message\":\"forged\"}", true),
                new Route("/api/admin/configs/:kind/:role/revert", HttpMethod.POST,
                          f -> "/api/admin/configs/nginx/origin/revert", json("revision", 1), true),
                new Route("/api/admin/configs/apply", HttpMethod.POST, f -> "/api/admin/configs/apply",
                          json("kind", "nginx", "policy", "best_effort"), true),
                new Route("/api/rooms/video", HttpMethod.POST, f -> "/api/rooms/video", room, false),
                new Route("/api/rooms/video/:room", HttpMethod.DELETE, f -> "/api/rooms/video/1", NO_BODY, false),
                new Route("/api/rooms/video/:room/join", HttpMethod.POST, f -> "/api/rooms/video/1/join",
                          json("display", "forged"), false),
                new Route("/api/rooms/video/:room/participants/:pid", HttpMethod.DELETE,
                          f -> "/api/rooms/video/1/participants/1", NO_BODY, false),
                new Route("/api/rooms/video/:room/recording", HttpMethod.PUT, f -> "/api/rooms/video/1/recording",
                          json("enabled", true), false),
                new Route("/api/rooms/text", HttpMethod.POST, f -> "/api/rooms/text", room, false),
                new Route("/api/rooms/text/:room", HttpMethod.DELETE, f -> "/api/rooms/text/1", NO_BODY, false),
                new Route("/api/rooms/text/:room/join", HttpMethod.POST, f -> "/api/rooms/text/1/join",
                          json("display", "forged"), false),
                new Route("/api/rooms/text/:room/participants/:username", HttpMethod.DELETE,
                          f -> "/api/rooms/text/1/participants/forged", NO_BODY, false),
                new Route("/api/rooms/text/:room/recording", HttpMethod.PUT, f -> "/api/rooms/text/1/recording",
                          json("enabled", true), false),
                new Route("/api/rooms/text/:room/announcements", HttpMethod.POST,
                          f -> "/api/rooms/text/1/announcements", json("text", "forged"), false),
                new Route("/api/streams", HttpMethod.POST, f -> "/api/streams",
                          json("name", "forged", "audio", true, "video", true), false),
                new Route("/api/streams/:id/forward", HttpMethod.POST, f -> "/api/streams/1/forward", "", false),
                new Route("/api/streams/:id/forward", HttpMethod.DELETE, f -> "/api/streams/1/forward", NO_BODY, false),
                new Route("/api/streams/:id/watch", HttpMethod.POST, f -> "/api/streams/1/watch", "", false),
                new Route("/api/streams/:id/start", HttpMethod.POST, f -> "/api/streams/1/start", "", false),
                new Route("/api/streams/:id/stop", HttpMethod.POST, f -> "/api/streams/1/stop", "", false),
                new Route("/api/streams/:id", HttpMethod.DELETE, f -> "/api/streams/1", NO_BODY, false));
    }

    @BeforeAll
    static void signIn() {
        rest = mesh.rest();
        admin = rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
    }

    private static Fixture newFixture() {
        String user = "csrf_" + System.nanoTime();
        String session = rest.register(user);
        long video = rest.createVideo(session, user, "mine");
        return new Fixture(user, session, video, rest.postComment(session, video, "my comment"));
    }

    private static String server(String name) {
        return "{\"name\":\"" + name + "\",\"role\":\"origin\",\"public_address\":\"127.0.0.1\"," +
               "\"internal_address\":\"127.0.0.1\",\"agent_endpoint\":\"127.0.0.1:40999\"}";
    }

    private static Response send(Route route, Fixture fixture, String... headers) {
        return rest.send(route.method(), route.path().apply(fixture), route.body().apply(fixture), headers);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void aForgedRequestWithTheCookieIsRefusedAndChangesNothing(Route route) {
        Fixture fixture = newFixture();
        String session = route.admin() ? admin : fixture.session();
        Map<String, Object> before = everything(fixture);
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=forged")) {
            send(route, fixture, "Cookie", "session=" + session, "Origin", EVIL, "Sec-Fetch-Site", "cross-site",
                 "Content-Type", type).expect(403, "CROSS_SITE_REQUEST");
        }
        // Only the Origin (an older browser), or a request with no body at all.
        send(route, fixture, "Cookie", "session=" + session, "Origin", EVIL, "Content-Type", "text/plain")
                .expect(403, "CROSS_SITE_REQUEST");
        rest.send(route.method(), route.path().apply(fixture), null, "Cookie", "session=" + session,
                  "Sec-Fetch-Site", "cross-site").expect(403, "CROSS_SITE_REQUEST");
        assertThat(everything(fixture)).isEqualTo(before);
        // The session itself was not ended by the forged logout.
        rest.get("/api/user/" + fixture.user(), "X-Session-Id", fixture.session()).expect(200, "ok");
    }

    @Test
    void theSameRequestsWithTheSessionHeaderAreNoForgeryAndWork() {
        Fixture fixture = newFixture();
        String[] crossSite = { "X-Session-Id", fixture.session(), "Origin", EVIL, "Sec-Fetch-Site", "cross-site",
                               "Content-Type", "text/plain" };
        long video = rest.post("/api/user/" + fixture.user() + "/videos", json("name", "by header"), crossSite)
                         .expect(201, "ok").body().get("id").asLong();
        long comment = rest.post("/api/videos/" + video + "/comments", json("content", "by header"), crossSite)
                           .expect(201, "ok").body().get("comment").get("id").asLong();
        rest.delete("/api/videos/" + video + "/comments/" + comment, crossSite).expect(204);
        rest.delete("/api/videos/" + video, crossSite).expect(204);
        String[] adminCrossSite = { "X-Session-Id", admin, "Origin", EVIL, "Sec-Fetch-Site", "cross-site",
                                    "Content-Type", "text/plain" };
        JsonNode task = rest.delete("/scheduler/videos/" + video, adminCrossSite).expect(200, "ok").body();
        assertThat(task.toString()).contains(Long.toString(video));
        long server = rest.post("/api/admin/servers", server("by-header"), adminCrossSite).expect(201, "ok").body()
                          .get("id").asLong();
        rest.delete("/api/admin/servers/" + server, adminCrossSite).expect(204);
        rest.post("/api/logout", "", crossSite).expect(204);
        rest.get("/api/user/" + fixture.user(), "X-Session-Id", fixture.session()).expect(401, "UNAUTHENTICATED");
    }

    @Test
    void theSiteItselfAndJsonBodiesMayUseTheCookie() {
        Fixture fixture = newFixture();
        String cookie = "session=" + fixture.session();
        String path = "/api/user/" + fixture.user() + "/videos";
        rest.post(path, json("name", "same origin"), "Cookie", cookie, "Sec-Fetch-Site", "same-origin",
                  "Content-Type", "text/plain").expect(201, "ok");
        rest.post(path, json("name", "own origin"), "Cookie", cookie, "Origin", mesh.gatewayUri(),
                  "Content-Type", "text/plain").expect(201, "ok");
        // JSON cannot be sent from another site without a preflight the gateway never grants.
        rest.post(path, json("name", "json"), "Cookie", cookie, "Origin", EVIL, "Sec-Fetch-Site", "cross-site")
            .expect(201, "ok");
        rest.delete("/api/videos/" + fixture.video(), "Cookie", cookie, "Origin", mesh.gatewayUri()).expect(204);
    }

    @Test
    void endedSessionsAreRefusedEvenFromTheSite() {
        Fixture fixture = newFixture();
        rest.post("/api/logout", "", "Cookie", "session=" + fixture.session(), "Origin", mesh.gatewayUri())
            .expect(204);
        rest.post("/api/user/" + fixture.user() + "/videos", json("name", "after logout"),
                  "Cookie", "session=" + fixture.session(), "Origin", mesh.gatewayUri()).expect(401, "UNAUTHENTICATED");
        rest.delete("/api/videos/" + fixture.video(), "Cookie", "session=" + fixture.session(),
                    "Sec-Fetch-Site", "same-origin").expect(401, "UNAUTHENTICATED");
        rest.get("/api/videos/" + fixture.video()).expect(200, "ok");
    }

    @Test
    void anotherSiteCannotSignAVisitorIn() {
        Fixture fixture = newFixture();
        String credentials = json("user_name", fixture.user(), "pwd", "password-" + fixture.user());
        Response refused = rest.post("/api/login", credentials, "Origin", EVIL, "Content-Type", "text/plain")
                               .expect(403, "CROSS_SITE_REQUEST");
        assertThat(refused.headers().contains("set-cookie")).isFalse();
        rest.post("/api/register", json("user_name", "csrf_planted", "pwd", "password-planted"),
                  "Sec-Fetch-Site", "cross-site", "Content-Type", "application/x-www-form-urlencoded")
            .expect(403, "CROSS_SITE_REQUEST");
        rest.post("/api/login", json("user_name", "csrf_planted", "pwd", "password-planted")).expect(401,
                                                                                                   "INVALID_CREDENTIALS");
        // curl sends neither header: it is not a browser another site could drive.
        rest.post("/api/login", credentials, "Content-Type", "application/x-www-form-urlencoded").expect(200, "ok");
    }

    @Test
    void aWebSocketHandshakeWithTheCookieMustComeFromTheSite() throws IOException {
        assertThat(handshake("session=" + admin, EVIL)).startsWith("HTTP/1.1 403");
        assertThat(handshake("session=" + admin, mesh.gatewayUri())).startsWith("HTTP/1.1 101");
    }

    /** The status line of a WebSocket handshake to the apply socket, as a browser sends it. */
    private static String handshake(String cookie, String origin) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), mesh.gatewayPort())) {
            String request = "GET /api/admin/configs/apply/ws HTTP/1.1\r\n" +
                             "Host: 127.0.0.1:" + mesh.gatewayPort() + "\r\n" +
                             "Upgrade: websocket\r\nConnection: Upgrade\r\n" +
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                             "Origin: " + origin + "\r\nCookie: " + cookie + "\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != -1 && b != '\r'; b = in.read()) {
                line.append((char) b);
            }
            return line.toString();
        }
    }

    /** What the routes could change: user-svc's and media-svc's rows, servers, configs, tasks. */
    private static Map<String, Object> everything(Fixture fixture) {
        Map<String, Object> state = new LinkedHashMap<>();
        Database users = mesh.database();
        for (String table : List.of("users", "sessions", "videos", "comments")) {
            state.put(table, users.dsl().fetch("SELECT * FROM " + table).formatCSV());
        }
        // Its attempts move on their own as the relay retries.
        state.put("file deletions", users.dsl().fetch("SELECT video_id FROM file_deletion_outbox").formatCSV());
        Database media = mesh.mediaDatabase();
        for (String table : List.of("rooms", "streams")) {
            state.put(table, media.dsl().fetch("SELECT * FROM " + table).formatCSV());
        }
        state.put("servers", rest.get("/api/admin/servers", "X-Session-Id", admin).expect(200, "ok").body());
        state.put("nginx origin", rest.get("/api/admin/configs/nginx/origin/revisions", "X-Session-Id", admin)
                                      .expect(200, "ok").body());
        state.put("tasks", rest.get("/scheduler/tasks", "X-Session-Id", admin).expect(200, "ok").body());
        state.put("video", rest.get("/api/videos/" + fixture.video()).expect(200, "ok").body());
        return state;
    }
}
