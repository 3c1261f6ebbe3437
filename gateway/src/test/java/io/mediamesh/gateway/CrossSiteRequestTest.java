package io.mediamesh.gateway;

import static io.mediamesh.gateway.testing.Rest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.gateway.testing.Rest.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cross-site request forgery beyond the route-by-route refusals of {@link AttackSuiteTest}: the
 * same requests with the session in the X-Session-Id header, which no other site can set, are no
 * forgery and work; the site itself and JSON bodies may use the cookie; another site can neither
 * use an ended session nor sign a visitor in.
 */
class CrossSiteRequestTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh().withScheduler().withConfigSvc();

    private static final String EVIL = "http://evil.example";
    private static Rest rest;
    private static String admin;

    /** A user with a session, a video and a comment. */
    record Fixture(String user, String session, long video, long comment) {}

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
}
