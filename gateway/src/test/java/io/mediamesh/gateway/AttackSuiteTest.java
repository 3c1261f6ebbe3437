package io.mediamesh.gateway;

import static io.mediamesh.gateway.AttackSuiteTest.Access.ADMIN;
import static io.mediamesh.gateway.AttackSuiteTest.Access.OWNER;
import static io.mediamesh.gateway.AttackSuiteTest.Access.PUBLIC;
import static io.mediamesh.gateway.AttackSuiteTest.Access.SESSION;
import static io.mediamesh.gateway.testing.Rest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import io.mediamesh.gateway.testing.FailedTasks;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.gateway.testing.Rest.Response;
import io.mediamesh.gateway.testing.TableChecksums;
import io.mediamesh.gateway.testing.WholeMesh;
import io.mediamesh.media.testing.RoomMesh;
import io.mediamesh.media.testing.TestVideos;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attack suite of issue 11 ("Safe to expose"): every route the gateway serves (one catalog,
 * {@link #CATALOG}), tried with no session, forged identity headers, a forged session id, an
 * expired and a logged-out session, another user's (non-admin) session, and the cookie sent from
 * another site: each refused with API.md's status and code, and then no row of any schema of the
 * mesh changed. Each route is also done by its owner (as a browser on the site sends it) and by
 * an admin, so that a route that is simply broken cannot pass as "refused". Every check gets
 * fresh resources, so that a success never affects the next one.
 */
class AttackSuiteTest {
    /** Short enough to wait for once; renewals are written on every use. */
    private static final long IDLE_MILLIS = 3000;
    private static final String EVIL = "http://evil.example";
    private static final byte[] MP4 = TestVideos.mp4(4096, 11);
    private static final String TUS = "Tus-Resumable";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @RegisterExtension
    static final WholeMesh mesh = new WholeMesh()
            .with("mediamesh.user-svc.sessions.idle-timeout", IDLE_MILLIS + "ms")
            .with("mediamesh.user-svc.sessions.renew-after", "0s")
            // The other services trust a validated session this long (RemoteSessionValidator): shorter
            // than the idle timeout, so that one wait ends every session everywhere.
            .with("mediamesh.sessions.remote-cache-ttl", "1s")
            // Nothing but the requests may change the database while a check runs: no purge of expired
            // sessions, no outbox relay, no reconciler passes (they take streams' change locks).
            .with("mediamesh.user-svc.sessions.purge-interval", "1h")
            .with("mediamesh.user-svc.file-deletions.relay-interval", "1h")
            .with("mediamesh.media-svc.streams.reconcile-interval", "0s")
            .with("mediamesh.media-svc.rooms.reconcile-interval", "0s");

    /** Who may use a route (API.md); admins may use every route. */
    enum Access {
        /** Anyone, without a session. */
        PUBLIC,
        /** Any user with a session. */
        SESSION,
        /** The owner of what the route names (video, comment, room, stream, upload, user) or an admin. */
        OWNER,
        /** Admins only. */
        ADMIN
    }

    /**
     * A route: path, body and header values are templates whose {@code {names}} are resources of a
     * {@link Fixture}, made for each check. {@code success} is what the owner and an admin get.
     */
    record Route(Access access, HttpMethod method, String path, String body, byte[] bytes, List<String> headers,
                 int success, boolean webSocket) {
        Route json(String template) {
            return new Route(access, method, path, template, null, headers, success, webSocket);
        }

        Route bytes(byte[] raw) {
            return new Route(access, method, path, null, raw, headers, success, webSocket);
        }

        Route headers(String... namesAndValues) {
            return new Route(access, method, path, body, bytes, List.of(namesAndValues), success, webSocket);
        }

        Route succeeds(int status) {
            return new Route(access, method, path, body, bytes, headers, status, webSocket);
        }

        /** A WebSocket handshake, which changes state whatever its method. */
        Route asWebSocket() {
            return new Route(access, method, path, body, bytes, headers, 101, true);
        }

        boolean changesState() {
            return webSocket || !(method == HttpMethod.GET || method == HttpMethod.HEAD);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static Route route(Access access, HttpMethod method, String path) {
        return new Route(access, method, path, null, null, List.of(), method == HttpMethod.DELETE ? 204 : 200,
                         false);
    }

    private static final HttpMethod GET = HttpMethod.GET;
    private static final HttpMethod HEAD = HttpMethod.HEAD;
    private static final HttpMethod POST = HttpMethod.POST;
    private static final HttpMethod PUT = HttpMethod.PUT;
    private static final HttpMethod PATCH = HttpMethod.PATCH;
    private static final HttpMethod DELETE = HttpMethod.DELETE;

    /**
     * Every route of the gateway's public port: adding one here puts it through every attack. API.md's
     * public feed (GET /api/videos) is not served yet (no RPC lists every user's videos): add it here
     * with it.
     */
    static final List<Route> CATALOG = List.of(
            // Users
            route(PUBLIC, POST, "/api/register").json("{\"user_name\":\"{new_name}\",\"pwd\":\"password-{new_name}\"}")
                                                .succeeds(201),
            route(PUBLIC, POST, "/api/login").json("{\"user_name\":\"{owner}\",\"pwd\":\"password-{owner}\"}"),
            route(SESSION, POST, "/api/logout").succeeds(204),
            route(OWNER, GET, "/api/user/{owner}"),
            route(OWNER, DELETE, "/api/user/{owner}"),
            // Videos and comments
            route(OWNER, POST, "/api/user/{owner}/videos").json("{\"name\":\"attack\"}").succeeds(201),
            route(PUBLIC, GET, "/api/user/{owner}/videos"),
            route(OWNER, GET, "/api/user/{owner}/quota"),
            route(ADMIN, PUT, "/api/user/{owner}/quota").json("{\"videos\":7}"),
            route(PUBLIC, GET, "/api/videos"),
            route(PUBLIC, GET, "/api/videos/{video}"),
            route(OWNER, DELETE, "/api/videos/{video}"),
            route(PUBLIC, GET, "/api/videos/{video}/comments"),
            route(SESSION, POST, "/api/videos/{video}/comments").json("{\"content\":\"attack\"}").succeeds(201),
            route(OWNER, DELETE, "/api/videos/{video}/comments/{comment}"),
            // Streaming and uploads
            route(PUBLIC, GET, "/stream/videos/{video}").succeeds(307),
            route(PUBLIC, HEAD, "/stream/videos/{video}").succeeds(307),
            route(OWNER, POST, "/upload/videos/{video}").bytes(MP4).headers("Content-Type", "video/mp4"),
            route(OWNER, POST, "/upload/resumable").headers(TUS, "1.0.0", "Upload-Length", "" + MP4.length,
                                                            "Upload-Metadata", "vid {video_base64}").succeeds(201),
            route(OWNER, HEAD, "/upload/resumable/{upload}").headers(TUS, "1.0.0"),
            route(OWNER, PATCH, "/upload/resumable/{upload}").bytes(MP4)
                    .headers(TUS, "1.0.0", "Upload-Offset", "0", "Content-Type", "application/offset+octet-stream")
                    .succeeds(204),
            route(OWNER, DELETE, "/upload/resumable/{upload}").headers(TUS, "1.0.0"),
            // Scheduler
            route(ADMIN, DELETE, "/scheduler/videos/{video}").succeeds(200),
            route(ADMIN, GET, "/scheduler/tasks"),
            route(ADMIN, POST, "/scheduler/tasks/{failed_task}/retry"),
            // Media servers and their configuration
            route(ADMIN, GET, "/api/admin/servers"),
            route(ADMIN, POST, "/api/admin/servers").json("{server}").succeeds(201),
            route(ADMIN, GET, "/api/admin/servers/{server_id}"),
            route(ADMIN, PUT, "/api/admin/servers/{server_id}").json("{server}"),
            route(ADMIN, DELETE, "/api/admin/servers/{server_id}"),
            route(ADMIN, GET, "/api/admin/configs/janus/edge"),
            route(ADMIN, PUT, "/api/admin/configs/nginx/edge")
                    .json("{\"document\":{nginx_edge_document},\"message\":\"attack\",\"skip_validation\":true}"),
            route(ADMIN, GET, "/api/admin/configs/coturn/relay/revisions"),
            route(ADMIN, GET, "/api/admin/configs/nginx/origin/revisions/{nginx_origin_revision}"),
            route(ADMIN, POST, "/api/admin/configs/nginx/origin/revert").json("{\"revision\":{nginx_origin_revision}}"),
            route(ADMIN, POST, "/api/admin/configs/apply")
                    .json("{\"kind\":\"coturn\",\"roles\":[\"edge\"],\"policy\":\"best_effort\"}"),
            route(ADMIN, GET, "/api/admin/configs/apply/ws").asWebSocket(),
            route(ADMIN, GET, "/api/admin/configs/applies"),
            route(ADMIN, GET, "/api/admin/configs/applies/{apply_id}"),
            route(ADMIN, GET, "/api/admin/servers/{server_id}/configs/nginx"),
            // The recorded apply has ended: an admin gets as far as "no such apply running".
            route(ADMIN, POST, "/api/admin/configs/applies/{apply_id}/promote").succeeds(404),
            route(ADMIN, POST, "/api/admin/configs/applies/{apply_id}/cancel").json("{\"reason\":\"attack\"}")
                    .succeeds(404),
            // Video rooms
            route(SESSION, POST, "/api/rooms/video").json("{\"description\":\"attack\",\"max_publishers\":2}")
                                                    .succeeds(201),
            route(SESSION, GET, "/api/rooms/video"),
            route(SESSION, GET, "/api/rooms/video/{video_room}"),
            route(OWNER, DELETE, "/api/rooms/video/{video_room}"),
            route(SESSION, POST, "/api/rooms/video/{video_room}/join").json("{\"display\":\"attack\"}"),
            route(OWNER, DELETE, "/api/rooms/video/{video_room}/participants/{participant}"),
            route(OWNER, DELETE, "/api/rooms/video/{video_room}/bans/{guest_id}"),
            route(OWNER, PUT, "/api/rooms/video/{video_room}/recording").json("{\"enabled\":true}"),
            // No nginx serves this mesh's recordings: the owner and an admin get past authorization to the 503.
            route(OWNER, GET, "/api/rooms/video/{video_room}/recordings").succeeds(503),
            // Text rooms
            route(SESSION, POST, "/api/rooms/text").json("{\"description\":\"attack\"}").succeeds(201),
            route(SESSION, GET, "/api/rooms/text"),
            route(SESSION, GET, "/api/rooms/text/{text_room}"),
            route(OWNER, DELETE, "/api/rooms/text/{text_room}"),
            route(SESSION, POST, "/api/rooms/text/{text_room}/join").json("{\"display\":\"attack\"}"),
            route(OWNER, DELETE, "/api/rooms/text/{text_room}/participants/{username}"),
            route(OWNER, DELETE, "/api/rooms/text/{text_room}/bans/{guest_id}"),
            route(OWNER, PUT, "/api/rooms/text/{text_room}/recording").json("{\"enabled\":true}"),
            route(OWNER, GET, "/api/rooms/text/{text_room}/transcript"),
            route(OWNER, POST, "/api/rooms/text/{text_room}/announcements").json("{\"text\":\"attack\"}")
                                                                           .succeeds(204),
            // Live streams
            route(SESSION, POST, "/api/streams").json("{\"name\":\"attack\",\"audio\":true}").succeeds(201),
            route(PUBLIC, GET, "/api/streams"),
            route(PUBLIC, GET, "/api/streams/{stream}"),
            route(OWNER, POST, "/api/streams/{stream}/forward"),
            route(OWNER, DELETE, "/api/streams/{forwarded_stream}/forward"),
            route(PUBLIC, POST, "/api/streams/{forwarded_stream}/watch"),
            route(OWNER, POST, "/api/streams/{stream}/start"),
            route(OWNER, POST, "/api/streams/{stream}/stop"),
            route(OWNER, DELETE, "/api/streams/{stream}"));

    /** The ways in: each is refused with a status and code, and then the database is as it was. */
    enum Attack {
        NO_SESSION,
        /** X-User-Name, X-User-Id, X-User-Role without a session. */
        FORGED_IDENTITY,
        /** A well-formed session id that is no session's, as header and as cookie. */
        FORGED_SESSION,
        LOGGED_OUT,
        /** Another user's session; on admin routes, a non-admin's. */
        OTHER_USER,
        /** The cookie of one who may, sent as another site can make a browser send it. */
        CROSS_SITE;

        boolean appliesTo(Route route) {
            return switch (this) {
                case NO_SESSION, FORGED_IDENTITY, FORGED_SESSION, LOGGED_OUT -> route.access() != PUBLIC;
                case OTHER_USER -> route.access() == OWNER || route.access() == ADMIN;
                case CROSS_SITE -> route.changesState();
            };
        }
    }

    /** Those who may: each gets the route's success status. */
    enum Allowed {
        /** The owner (an admin on admin routes; nobody on public ones), as a browser on the site sends it. */
        OWNER,
        ADMIN,
        /** Another user, on routes any session may use. */
        OTHER_USER;

        boolean appliesTo(Route route) {
            return switch (this) {
                case OWNER -> true;
                case ADMIN -> route.access() != PUBLIC;
                case OTHER_USER -> route.access() == SESSION;
            };
        }
    }

    /**
     * Left out of "nothing changed": sessions.expires_at, the idle expiry that every use of a live
     * session renews (here on every use, renew-after 0s), including a request refused for what the
     * session may do (another user's, a non-admin's). Nothing else is left out: login throttling
     * and metrics live in the services' memory, not in the database.
     */
    private static final Map<String, Set<String>> BOOKKEEPING = Map.of("sessions", Set.of("expires_at"));
    /**
     * Sessions already expired are dead data: user-svc's purge deletes them on its timer, and a
     * logout with one deletes it at once (SessionRepository.delete); only live ones are compared.
     */
    private static final Map<String, String> LIVE_ROWS = Map.of("sessions", "expires_at > ?");

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static Rest rest;
    private static TableChecksums database;

    @BeforeAll
    static void setUp() {
        rest = mesh.rest();
        database = new TableChecksums(mesh.database().dsl(), mesh.schemas(), BOOKKEEPING, LIVE_ROWS);
    }

    static Stream<Arguments> attacks() {
        return CATALOG.stream().flatMap(route -> Arrays.stream(Attack.values()).filter(a -> a.appliesTo(route))
                                                       .map(attack -> Arguments.of(route, attack)));
    }

    static Stream<Arguments> allowed() {
        return CATALOG.stream().flatMap(route -> Arrays.stream(Allowed.values()).filter(a -> a.appliesTo(route))
                                                       .map(who -> Arguments.of(route, who)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("attacks")
    void isRefusedAndChangesNothing(Route route, Attack attack) {
        Request request = Request.of(route, new Fixture());
        String session = request.allowedSession();
        switch (attack) {
            case NO_SESSION -> refused(request, 401, "UNAUTHENTICATED");
            case FORGED_IDENTITY -> refused(request, 401, "UNAUTHENTICATED", "X-User-Name", request.allowedName(),
                                            "X-User-Id", "1", "X-User-Role", "admin");
            case FORGED_SESSION -> {
                String forged = wellFormedSessionId();
                refused(request, 401, "UNAUTHENTICATED", "X-Session-Id", forged, "X-User-Name", request.allowedName());
                refused(request, 401, "UNAUTHENTICATED", "Cookie", "session=" + forged, "Origin", mesh.gatewayUri());
            }
            case LOGGED_OUT -> {
                String ended = request.allowedName().equals(RoomMesh.ADMIN) ? adminSession()
                        : rest.login(request.allowedName(), "password-" + request.allowedName());
                rest.post("/api/logout", "", "X-Session-Id", ended).expect(204);
                refused(request, 401, "UNAUTHENTICATED", "X-Session-Id", ended);
                refused(request, 401, "UNAUTHENTICATED", "Cookie", "session=" + ended, "Origin", mesh.gatewayUri());
            }
            case OTHER_USER -> {
                String stranger = rest.register(newName("stranger"));
                refused(request, 403, "PERMISSION_DENIED", "X-Session-Id", stranger);
                refused(request, 403, "PERMISSION_DENIED", "Cookie", "session=" + stranger, "Origin",
                        mesh.gatewayUri());
            }
            case CROSS_SITE -> {
                // As another site can make a browser send it: the cookie, no header a page could only set
                // after a preflight (X-Session-Id, Tus-Resumable...), a content type a form may have.
                String cookie = "session=" + session;
                request.crossSite(403, "CROSS_SITE_REQUEST", "Cookie", cookie, "Origin", EVIL,
                                  "Sec-Fetch-Site", "cross-site", "Content-Type", "text/plain");
                request.crossSite(403, "CROSS_SITE_REQUEST", "Cookie", cookie, "Origin", EVIL,
                                  "Content-Type", "application/x-www-form-urlencoded");
                request.crossSite(403, "CROSS_SITE_REQUEST", "Cookie", cookie, "Sec-Fetch-Site", "cross-site",
                                  "Content-Type", "multipart/form-data; boundary=forged");
            }
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("allowed")
    void mayBeDoneByThoseAllowed(Route route, Allowed who) {
        Request request = Request.of(route, new Fixture());
        Response response = switch (who) {
            case OWNER -> route.access() == PUBLIC ? request.send()
                    : request.send("Cookie", "session=" + request.allowedSession(), "Origin", mesh.gatewayUri());
            case ADMIN -> request.send("X-Session-Id", adminSession());
            case OTHER_USER -> request.send("X-Session-Id", rest.register(newName("other")));
        };
        response.expect(route.success());
        if (response.code() != null && route.success() < 400) {
            assertThat(response.code()).isEqualTo("ok");
        }
    }

    /** One wait for every route: each gets its resources and a session, all left idle together. */
    @TestFactory
    Stream<DynamicTest> anExpiredSessionIsRefusedAndChangesNothing() throws InterruptedException {
        List<Request> requests = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (Route route : CATALOG) {
            if (route.access() != PUBLIC) {
                Request request = Request.of(route, new Fixture());
                requests.add(request);
                sessions.add(request.allowedSession());
            }
        }
        Thread.sleep(IDLE_MILLIS + 500);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            Request request = requests.get(i);
            String session = sessions.get(i);
            tests.add(DynamicTest.dynamicTest(request.route().toString(), () -> {
                refused(request, 401, "UNAUTHENTICATED", "X-Session-Id", session);
                refused(request, 401, "UNAUTHENTICATED", "Cookie", "session=" + session, "Origin", mesh.gatewayUri());
            }));
        }
        return tests.stream();
    }

    /** Nobody but a stream's owner and admins sees where its media enter, nor how they travel (API.md). */
    @Test
    void aStreamsIngestAndTiersAreTheOwnersAndAdminsOnly() {
        Fixture fixture = new Fixture();
        String stream = "/api/streams/" + fixture.value("forwarded_stream");
        String stranger = rest.register(newName("stranger"));
        for (String[] who : List.of(new String[0], new String[] { "X-Session-Id", stranger },
                                    new String[] { "X-User-Name", fixture.value("owner"), "X-User-Role", "admin" })) {
            JsonNode one = rest.get(stream, who).expect(200, "ok").body();
            assertThat(one.get("stream").get("ingest").isNull()).isTrue();
            assertThat(one.get("tiers")).isEmpty();
            rest.get("/api/streams?limit=100", who).expect(200, "ok").body().get("streams").forEach(
                    s -> assertThat(s.get("ingest").isNull()).as("ingest of %s", s).isTrue());
        }
        JsonNode own = rest.get(stream, "X-Session-Id", fixture.ownerSession()).expect(200, "ok").body();
        assertThat(own.get("stream").get("ingest").isNull()).isFalse();
        assertThat(own.get("tiers")).isNotEmpty();
        assertThat(rest.get(stream, "X-Session-Id", adminSession()).expect(200, "ok").body().get("tiers"))
                .isNotEmpty();
    }

    /** Sends {@code request} with {@code headers}: refused as expected, and no row of the mesh changed. */
    private static void refused(Request request, int status, String code, String... headers) {
        Instant now = Instant.now();
        Map<String, String> before = database.take(now);
        Response response = request.send(headers);
        expectRefusal(request.route(), response, status, code);
        assertThat(database.take(now)).as("the database after %s", request.route()).isEqualTo(before);
    }

    private static void expectRefusal(Route route, Response response, int status, String code) {
        if (route.method() == HttpMethod.HEAD) {
            response.expect(status); // No body to carry the code.
        } else {
            response.expect(status, code);
        }
    }

    private static String adminSession() {
        return rest.login(RoomMesh.ADMIN, RoomMesh.ADMIN_PASSWORD);
    }

    private static String newName(String prefix) {
        return prefix + '_' + NAMES.incrementAndGet();
    }

    /** Well-formed (256 bits in base64url), and no session's. */
    private static String wellFormedSessionId() {
        byte[] bits = new byte[32];
        RANDOM.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    /** A route with its templates filled in from one fixture. */
    record Request(Route route, Fixture fixture, String path, byte[] body, List<String> headers) {
        private static final Pattern NAME = Pattern.compile("\\{([a-z_0-9]+)}");

        static Request of(Route route, Fixture fixture) {
            byte[] body = route.bytes() != null ? route.bytes()
                    : route.body() == null ? null : fill(route.body(), fixture).getBytes(StandardCharsets.UTF_8);
            List<String> headers = route.headers().stream().map(h -> fill(h, fixture)).toList();
            return new Request(route, fixture, fill(route.path(), fixture), body, headers);
        }

        private static String fill(String template, Fixture fixture) {
            Matcher names = NAME.matcher(template);
            StringBuilder out = new StringBuilder();
            while (names.find()) {
                names.appendReplacement(out, Matcher.quoteReplacement(fixture.value(names.group(1))));
            }
            return names.appendTail(out).toString();
        }

        /** The session of one who may do it: an admin's on admin routes, else the owner's. */
        String allowedSession() {
            return route.access() == ADMIN ? fixture.adminSession() : fixture.ownerSession();
        }

        String allowedName() {
            return route.access() == ADMIN ? RoomMesh.ADMIN : fixture.value("owner");
        }

        Response send(String... extra) {
            List<String> all = new ArrayList<>(headers);
            all.addAll(List.of(extra));
            if (route.webSocket() && !all.contains("Origin")) {
                // A browser's handshake always names its page's origin.
                all.addAll(List.of("Origin", mesh.gatewayUri()));
            }
            String[] pairs = all.toArray(String[]::new);
            return route.webSocket() ? handshake(path, pairs) : rest.sendBytes(route.method(), path, body, pairs);
        }

        /** As another site sends it: only {@code extra} headers, which replace the route's own. */
        void crossSite(int status, String code, String... extra) {
            Instant now = Instant.now();
            Map<String, String> before = database.take(now);
            Response response = route.webSocket() ? handshake(path, extra)
                    : rest.sendBytes(route.method(), path, body, extra);
            expectRefusal(route, response, status, code);
            assertThat(database.take(now)).as("the database after %s", route).isEqualTo(before);
        }
    }

    /**
     * The resources a check needs, made the first time a template names them: a user (the owner)
     * with a session, their video, comment, upload, rooms and streams, a guest in the rooms, a
     * media server, the admin's view of config documents.
     */
    static final class Fixture {
        private final Map<String, String> values = new HashMap<>();
        private String ownerSession;
        private String adminSession;

        String value(String name) {
            String known = values.get(name);
            if (known == null) {
                known = make(name);
                values.put(name, known);
            }
            return known;
        }

        String ownerSession() {
            value("owner");
            return ownerSession;
        }

        /** One admin session per fixture, logged in when first needed. */
        String adminSession() {
            if (adminSession == null) {
                adminSession = AttackSuiteTest.adminSession();
            }
            return adminSession;
        }

        private String make(String name) {
            return switch (name) {
                case "owner" -> {
                    String owner = newName("owner");
                    ownerSession = rest.register(owner);
                    yield owner;
                }
                case "new_name" -> newName("new");
                case "video" -> Long.toString(rest.createVideo(ownerSession(), value("owner"), "attack"));
                case "video_base64" -> Base64.getEncoder().encodeToString(value("video").getBytes(StandardCharsets.UTF_8));
                case "comment" -> Long.toString(rest.postComment(ownerSession(), Long.parseLong(value("video")), "c"));
                case "upload" -> {
                    String location = rest.send(POST, "/upload/resumable", null, "X-Session-Id",
                                                ownerSession(), TUS, "1.0.0", "Upload-Length", "" + MP4.length,
                                                "Upload-Metadata", "vid " + value("video_base64"))
                                          .expect(201).headers().get("location");
                    yield location.substring(location.lastIndexOf('/') + 1);
                }
                case "guest" -> rest.register(newName("guest"));
                case "guest_id" -> Long.toString(mesh.media().userId(value("guest")));
                case "video_room" -> created("/api/rooms/video", json("description", "mine"), "room_id");
                case "participant" -> joined("/api/rooms/video/" + value("video_room"), "participant_id");
                case "text_room" -> created("/api/rooms/text", json("description", "mine"), "room_id");
                case "username" -> joined("/api/rooms/text/" + value("text_room"), "username");
                case "stream" -> created("/api/streams", json("name", "mine", "audio", true), "stream_id");
                case "forwarded_stream" -> {
                    String stream = created("/api/streams", json("name", "mine", "audio", true), "stream_id");
                    rest.post("/api/streams/" + stream + "/forward", "", "X-Session-Id", ownerSession())
                        .expect(200, "ok");
                    yield stream;
                }
                case "failed_task" -> {
                    long task = rest.delete("/scheduler/videos/" + value("video"), "X-Session-Id", adminSession())
                                    .expect(200, "ok").body().get("task").get("id").asLong();
                    FailedTasks.fail(mesh.database(), task, "attack fixture");
                    yield Long.toString(task);
                }
                case "apply_id" -> {
                    rest.post("/api/admin/configs/apply", "{\"kind\":\"coturn\",\"roles\":[\"edge\"]}",
                              "X-Session-Id", adminSession());
                    yield rest.get("/api/admin/configs/applies?kind=coturn&limit=1", "X-Session-Id", adminSession())
                              .expect(200, "ok").body().get("applies").get(0).get("apply_id").asText();
                }
                case "server" -> server();
                case "server_id" -> rest.post("/api/admin/servers", server(), "X-Session-Id", adminSession())
                                        .expect(201, "ok").body().get("id").asText();
                case "nginx_edge_document" -> rest.get("/api/admin/configs/nginx/edge", "X-Session-Id",
                                                       adminSession()).expect(200, "ok").body().get("document")
                                                  .toString();
                case "nginx_origin_revision" -> {
                    JsonNode revisions = rest.get("/api/admin/configs/nginx/origin/revisions", "X-Session-Id",
                                                  adminSession()).expect(200, "ok").body().get("revisions");
                    yield revisions.get(revisions.size() - 1).get("revision").asText();
                }
                default -> throw new IllegalArgumentException("No fixture value {" + name + "}");
            };
        }

        private String created(String path, String body, String idField) {
            return rest.post(path, body, "X-Session-Id", ownerSession()).expect(201, "ok").body().get(idField)
                       .asText();
        }

        private String joined(String room, String field) {
            return rest.post(room + "/join", json("display", "Guest"), "X-Session-Id", value("guest"))
                       .expect(200, "ok").body().get(field).asText();
        }

        /**
         * A media server of its own (name, agent, addresses), disabled, so that media-svc never puts
         * rooms or streams on it.
         */
        private static String server() {
            int n = NAMES.incrementAndGet();
            String address = "127.0." + (n / 250 + 1) + '.' + (n % 250 + 1);
            return "{\"name\":\"attack-" + n + "\",\"role\":\"edge\",\"relay_group\":\"attack\"," +
                   "\"public_address\":\"" + address + "\",\"internal_address\":\"" + address + "\"," +
                   "\"agent_endpoint\":\"" + address + ":9110\",\"enabled\":false}";
        }
    }

    /**
     * A WebSocket handshake over HTTP/1.1 as a browser sends it ({@code headers} as name, value
     * pairs): the status and, for a refusal, the envelope's code. An accepted socket is closed.
     */
    private static Response handshake(String path, String... headers) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), mesh.gatewayPort())) {
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(mesh.gatewayPort()).append("\r\n")
                    .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
            for (int i = 0; i < headers.length; i += 2) {
                request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            int length = 0;
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                if (header.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring("content-length:".length()).trim());
                }
            }
            ResponseHeaders responseHeaders = ResponseHeaders.of(HttpStatus.valueOf(status));
            if (status == 101 || length == 0) {
                return new Response(status, null, null, responseHeaders);
            }
            JsonNode envelope = MAPPER.readTree(new String(in.readNBytes(length), StandardCharsets.UTF_8));
            return new Response(status, envelope.path("code").asText(null), envelope.get("response"),
                                responseHeaders);
        } catch (IOException e) {
            throw new AssertionError("The handshake to " + path + " failed", e);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
