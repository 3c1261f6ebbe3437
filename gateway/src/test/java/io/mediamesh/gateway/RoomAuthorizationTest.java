package io.mediamesh.gateway;

import static io.mediamesh.gateway.testing.Rest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.Server;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.gateway.testing.RoomGateway;
import io.mediamesh.media.db.DefaultSchema;
import io.mediamesh.media.testing.RoomMesh;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.jooq.Table;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rooms, streams and recordings route, tried with no session, forged identity headers,
 * another (non-admin) user's session and an admin's: refused with the documented status and code
 * where the API refuses, and then nothing changed in media-svc's schema; served where anyone may,
 * without the owner's secrets (ingest, tiers).
 */
class RoomAuthorizationTest {
    // No reconciler passes: they take streams' change locks, which would show as changes here.
    @RegisterExtension
    static final RoomMesh mesh = new RoomMesh().with("mediamesh.media-svc.streams.reconcile-interval", "0s")
                                               .with("mediamesh.media-svc.rooms.reconcile-interval", "0s");

    static Server gateway;
    static Rest rest;
    static String owner;
    static String stranger;
    static long strangerId;

    /** What a route needs: a room or stream of the owner's, the stranger holding a token where it matters. */
    enum Needs { VIDEO_ROOM, TEXT_ROOM, STREAM }

    /** The owner's resources for one check; the stranger joined the rooms. */
    record Fixture(long room, long participant, String username, long stream) {}

    /**
     * A route, what a stranger's (non-admin) session gets on it, and what an admin's gets. Public
     * routes are tried without a session too, expecting {@code anonymousStatus}.
     */
    record Route(String name, Needs needs, HttpMethod method, Function<Fixture, String> path, String body,
                 int anonymousStatus, int strangerStatus, int adminStatus) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Route> routes() {
        Function<Fixture, String> video = f -> "/api/rooms/video/" + f.room();
        Function<Fixture, String> text = f -> "/api/rooms/text/" + f.room();
        Function<Fixture, String> stream = f -> "/api/streams/" + f.stream();
        return Stream.of(
                new Route("create video room", Needs.VIDEO_ROOM, HttpMethod.POST, f -> "/api/rooms/video",
                          json("description", "x"), 401, 201, 201),
                new Route("list video rooms", Needs.VIDEO_ROOM, HttpMethod.GET, f -> "/api/rooms/video", null,
                          401, 200, 200),
                new Route("get video room", Needs.VIDEO_ROOM, HttpMethod.GET, video, null, 401, 200, 200),
                new Route("join video room", Needs.VIDEO_ROOM, HttpMethod.POST, f -> video.apply(f) + "/join",
                          json("display", "Someone"), 401, 200, 200),
                new Route("destroy video room", Needs.VIDEO_ROOM, HttpMethod.DELETE, video, null, 401, 403, 204),
                new Route("kick from video room", Needs.VIDEO_ROOM, HttpMethod.DELETE,
                          f -> video.apply(f) + "/participants/" + f.participant(), null, 401, 403, 204),
                new Route("unban from video room", Needs.VIDEO_ROOM, HttpMethod.DELETE,
                          f -> video.apply(f) + "/bans/" + strangerId, null, 401, 403, 204),
                new Route("video room recording", Needs.VIDEO_ROOM, HttpMethod.PUT,
                          f -> video.apply(f) + "/recording", json("enabled", true), 401, 403, 200),
                // No nginx serves this mesh's recordings: an admin gets past authorization to the 503.
                new Route("video room recordings", Needs.VIDEO_ROOM, HttpMethod.GET,
                          f -> video.apply(f) + "/recordings", null, 401, 403, 503),
                new Route("create text room", Needs.TEXT_ROOM, HttpMethod.POST, f -> "/api/rooms/text",
                          json("description", "x"), 401, 201, 201),
                new Route("list text rooms", Needs.TEXT_ROOM, HttpMethod.GET, f -> "/api/rooms/text", null,
                          401, 200, 200),
                new Route("get text room", Needs.TEXT_ROOM, HttpMethod.GET, text, null, 401, 200, 200),
                new Route("join text room", Needs.TEXT_ROOM, HttpMethod.POST, f -> text.apply(f) + "/join",
                          json("display", "Someone"), 401, 200, 200),
                new Route("destroy text room", Needs.TEXT_ROOM, HttpMethod.DELETE, text, null, 401, 403, 204),
                new Route("kick from text room", Needs.TEXT_ROOM, HttpMethod.DELETE,
                          f -> text.apply(f) + "/participants/" + f.username(), null, 401, 403, 204),
                new Route("unban from text room", Needs.TEXT_ROOM, HttpMethod.DELETE,
                          f -> text.apply(f) + "/bans/" + strangerId, null, 401, 403, 204),
                new Route("text room recording", Needs.TEXT_ROOM, HttpMethod.PUT,
                          f -> text.apply(f) + "/recording", json("enabled", true), 401, 403, 200),
                new Route("text room transcript", Needs.TEXT_ROOM, HttpMethod.GET,
                          f -> text.apply(f) + "/transcript", null, 401, 403, 200),
                new Route("text room announcement", Needs.TEXT_ROOM, HttpMethod.POST,
                          f -> text.apply(f) + "/announcements", json("text", "hi"), 401, 403, 204),
                new Route("create stream", Needs.STREAM, HttpMethod.POST, f -> "/api/streams",
                          json("name", "x", "audio", true), 401, 201, 201),
                new Route("list streams", Needs.STREAM, HttpMethod.GET, f -> "/api/streams", null, 200, 200, 200),
                new Route("get stream", Needs.STREAM, HttpMethod.GET, stream, null, 200, 200, 200),
                // Not forwarded: nothing to watch, whoever asks.
                new Route("watch stream", Needs.STREAM, HttpMethod.POST, f -> stream.apply(f) + "/watch", "",
                          500, 500, 500),
                new Route("forward stream", Needs.STREAM, HttpMethod.POST, f -> stream.apply(f) + "/forward", "",
                          401, 403, 200),
                new Route("stop forwarding", Needs.STREAM, HttpMethod.DELETE, f -> stream.apply(f) + "/forward",
                          null, 401, 403, 204),
                new Route("start stream", Needs.STREAM, HttpMethod.POST, f -> stream.apply(f) + "/start", "",
                          401, 403, 200),
                new Route("stop stream", Needs.STREAM, HttpMethod.POST, f -> stream.apply(f) + "/stop", "",
                          401, 403, 200),
                new Route("destroy stream", Needs.STREAM, HttpMethod.DELETE, stream, null, 401, 403, 204));
    }

    @BeforeAll
    static void startGateway() {
        gateway = RoomGateway.start(mesh);
        rest = new Rest("http://127.0.0.1:" + gateway.activeLocalPort());
        owner = rest.register("owner");
        stranger = rest.register("stranger");
        strangerId = mesh.userId(stranger);
    }

    @AfterAll
    static void stopGateway() {
        gateway.stop().join();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void withoutASessionOnlyPublicRoutesAnswer(Route route) {
        Fixture fixture = fixture(route.needs());
        List<String> before = snapshot();
        Rest.Response response = send(route, fixture);
        if (route.anonymousStatus() == 401) {
            response.expect(401, "UNAUTHENTICATED");
            assertThat(snapshot()).isEqualTo(before);
        } else {
            response.expect(route.anonymousStatus());
            assertNoOwnersSecrets(response.body());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void forgedIdentityHeadersAreIgnored(Route route) {
        Fixture fixture = fixture(route.needs());
        List<String> before = snapshot();
        Rest.Response response = send(route, fixture, "X-User-Name", "owner", "X-User-Id", "1", "X-User-Role",
                                      "admin");
        if (route.anonymousStatus() == 401) {
            response.expect(401, "UNAUTHENTICATED");
            assertThat(snapshot()).isEqualTo(before);
        } else {
            assertNoOwnersSecrets(response.expect(route.anonymousStatus()).body());
        }
        send(route, fixture, "X-Session-Id", "forged-session-id").expect(401, "UNAUTHENTICATED");
        assertThat(snapshot()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void anotherUsersSessionIsRefusedWhereTheApiSaysSoAndChangesNothing(Route route) {
        Fixture fixture = fixture(route.needs());
        List<String> before = snapshot();
        Rest.Response response = send(route, fixture, "X-Session-Id", stranger);
        if (route.strangerStatus() == 403) {
            response.expect(403, "PERMISSION_DENIED");
            assertThat(snapshot()).isEqualTo(before);
        } else {
            response.expect(route.strangerStatus());
            if (route.method() == HttpMethod.GET) {
                assertNoOwnersSecrets(response.body());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void anAdminMayDoIt(Route route) {
        String admin = rest.login(RoomMesh.ADMIN, RoomMesh.ADMIN_PASSWORD);
        send(route, fixture(route.needs()), "X-Session-Id", admin).expect(route.adminStatus());
    }

    /** Nobody but the owner sees where the owner's stream media enter, nor how they travel (API.md). */
    private static void assertNoOwnersSecrets(JsonNode body) {
        List<JsonNode> streams = new ArrayList<>();
        if (body.has("stream")) {
            streams.add(body.get("stream"));
            assertThat(body.get("tiers")).isEmpty();
        }
        if (body.has("streams")) {
            body.get("streams").forEach(s -> {
                if (s.get("owner").get("user_name").asText().equals("owner")) {
                    streams.add(s);
                }
            });
        }
        assertThat(streams).allSatisfy(s -> assertThat(s.get("ingest").isNull()).as("ingest of %s", s).isTrue());
        if (body.has("room")) {
            assertThat(body.get("room").get("secret").isNull()).isTrue();
        }
    }

    private static Fixture fixture(Needs needs) {
        return switch (needs) {
            case VIDEO_ROOM -> {
                long room = rest.post("/api/rooms/video", json("description", "mine"), "X-Session-Id", owner)
                                .expect(201, "ok").body().get("room_id").asLong();
                JsonNode joined = rest.post("/api/rooms/video/" + room + "/join", json("display", "Stranger"),
                                            "X-Session-Id", stranger).expect(200, "ok").body();
                yield new Fixture(room, joined.get("participant_id").asLong(), "", 0);
            }
            case TEXT_ROOM -> {
                long room = rest.post("/api/rooms/text", json("description", "mine"), "X-Session-Id", owner)
                                .expect(201, "ok").body().get("room_id").asLong();
                JsonNode joined = rest.post("/api/rooms/text/" + room + "/join", json("display", "Stranger"),
                                            "X-Session-Id", stranger).expect(200, "ok").body();
                yield new Fixture(room, 0, joined.get("username").asText(), 0);
            }
            case STREAM -> new Fixture(0, 0, "", rest.post("/api/streams", json("name", "mine", "audio", true),
                                                           "X-Session-Id", owner).expect(201, "ok").body()
                                                     .get("stream_id").asLong());
        };
    }

    private static Rest.Response send(Route route, Fixture fixture, String... headers) {
        return rest.send(route.method(), route.path().apply(fixture), route.body(), headers);
    }

    /** Every row of media-svc's schema, as text: equal snapshots mean nothing changed. */
    private static List<String> snapshot() {
        DSLContext db = mesh.mediaDatabase().dsl();
        List<String> rows = new ArrayList<>();
        for (Table<?> table : DefaultSchema.DEFAULT_SCHEMA.getTables()) {
            if (!table.getName().startsWith("flyway")) {
                db.selectFrom(table).orderBy(table.fields()).fetch()
                  .forEach(row -> rows.add(table.getName() + ' ' + row.intoList()));
            }
        }
        return rows;
    }
}
