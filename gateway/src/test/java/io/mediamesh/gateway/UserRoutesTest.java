package io.mediamesh.gateway;

import static io.mediamesh.gateway.testing.Rest.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.gateway.testing.Rest.Response;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** /api/register, /api/login, /api/logout and /api/user/:user_name through the gateway. */
class UserRoutesTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh();

    private final Rest rest = mesh.rest();

    @Test
    void registerReturnsSessionUserAndCookie() {
        Response response = rest.post("/api/register", json("user_name", "reg_alice", "pwd", "correct horse"))
                                .expect(201, "ok");
        assertThat(response.body().get("session_id").asText()).matches("[A-Za-z0-9_-]{43}");
        assertThat(response.body().get("user").get("user_name").asText()).isEqualTo("reg_alice");
        assertThat(response.body().get("user").get("role").asText()).isEqualTo("user");
        assertThat(response.body().get("user").get("id").asLong()).isPositive();
        assertThat(response.body().get("user").get("created_at").asText()).endsWith("Z");
        assertThat(response.headers().get("set-cookie")).startsWith("session=" + response.body().get("session_id")
                                                                                          .asText())
                                                         .contains("HTTPOnly", "SameSite=Lax", "Path=/")
                                                         // Plain HTTP, no configuration saying otherwise.
                                                         .doesNotContainIgnoringCase("secure");
        // The cookie lives as long as the session can: its absolute lifetime, 7 days by default.
        assertThat(maxAge(response)).isBetween(Duration.ofDays(7).toSeconds() - 60, Duration.ofDays(7).toSeconds());
        Response login = rest.post("/api/login", json("user_name", "reg_alice", "pwd", "correct horse"))
                             .expect(200, "ok");
        assertThat(login.headers().get("set-cookie")).contains("HTTPOnly", "SameSite=Lax");
        assertThat(maxAge(login)).isBetween(Duration.ofDays(7).toSeconds() - 60, Duration.ofDays(7).toSeconds());
    }

    private static long maxAge(Response response) {
        Matcher matcher = Pattern.compile("Max-Age=([0-9]+)").matcher(response.headers().get("set-cookie"));
        assertThat(matcher.find()).as("Max-Age in %s", response.headers().get("set-cookie")).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    @Test
    void duplicateRegistrationIsRejectedAndKeepsTheFirstAccount() {
        rest.register("dup_bob");
        rest.post("/api/register", json("user_name", "dup_bob", "pwd", "another password")).expect(400,
                                                                                                 "USER_ALREADY_EXISTS");
        rest.post("/api/register", json("user_name", "DUP_BOB", "pwd", "another password")).expect(400,
                                                                                                 "USER_ALREADY_EXISTS");
        rest.login("dup_bob", "password-dup_bob");
        rest.post("/api/login", json("user_name", "dup_bob", "pwd", "another password")).expect(401,
                                                                                              "INVALID_CREDENTIALS");
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "has space", "semi;colon", "quote'name", "émile", "emoji🎬",
                             "a12345678901234567890123456789012345678901234567890123456789012345" })
    void invalidUserNamesAreRejectedAndNothingIsCreated(String userName) {
        rest.post("/api/register", json("user_name", userName, "pwd", "password12")).expect(400, "INVALID_USER_NAME");
        if (!userName.isEmpty()) {
            rest.post("/api/login", json("user_name", userName, "pwd", "password12")).expect(400, "INVALID_USER_NAME");
        }
    }

    @Test
    void sixtyFourCharacterNameIsAccepted() {
        rest.register("n".repeat(64));
    }

    @Test
    void invalidPasswordsAreRejected() {
        rest.post("/api/register", json("user_name", "shortpw", "pwd", "1234567")).expect(400, "INVALID_PASSWORD");
        rest.post("/api/register", json("user_name", "longpw", "pwd", "x".repeat(129))).expect(400,
                                                                                             "INVALID_PASSWORD");
        rest.post("/api/login", json("user_name", "shortpw", "pwd", "password12")).expect(401, "INVALID_CREDENTIALS");
    }

    @Test
    void malformedBodiesAreRejectedByName() {
        rest.post("/api/register", "{\"user_name\": \"x\", ").expect(400, "MALFORMED_BODY");
        rest.post("/api/register", "[\"user_name\"]").expect(400, "MALFORMED_BODY");
        rest.post("/api/register", "").expect(400, "MALFORMED_BODY");
        rest.post("/api/register", "{\"user_name\":\"a\",\"user_name\":\"b\",\"pwd\":\"password12\"}")
            .expect(400, "MALFORMED_BODY");
        rest.post("/api/register", "{} {}").expect(400, "MALFORMED_BODY");
        rest.post("/api/register", json("user_name", "missingpwd")).expect(400, "MISSING_FIELD");
        rest.post("/api/register", json("pwd", "password12")).expect(400, "MISSING_FIELD");
        rest.post("/api/register", json("user_name", 12, "pwd", "password12")).expect(400, "INVALID_FIELD_TYPE");
        rest.post("/api/register", json("user_name", "typed", "pwd", true)).expect(400, "INVALID_FIELD_TYPE");
        rest.post("/api/login", "not json").expect(400, "MALFORMED_BODY");
        rest.post("/api/login", json("user_name", "x")).expect(400, "MISSING_FIELD");
        // None of those created an account.
        rest.post("/api/login", json("user_name", "missingpwd", "pwd", "password12")).expect(401,
                                                                                           "INVALID_CREDENTIALS");
        rest.post("/api/login", json("user_name", "typed", "pwd", "password12")).expect(401, "INVALID_CREDENTIALS");
    }

    @Test
    void loginWithWrongCredentialsIs401() {
        rest.register("login_carol");
        rest.post("/api/login", json("user_name", "login_carol", "pwd", "wrong password")).expect(401,
                                                                                                "INVALID_CREDENTIALS");
        rest.post("/api/login", json("user_name", "nobody_here", "pwd", "wrong password")).expect(401,
                                                                                                "INVALID_CREDENTIALS");
        Response ok = rest.post("/api/login", json("user_name", "login_carol", "pwd", "password-login_carol"))
                          .expect(200, "ok");
        assertThat(ok.body().get("expires_at").asText()).endsWith("Z");
    }

    @Test
    void logoutEndsOnlyThatSession() {
        String first = rest.register("logout_dan");
        String second = rest.login("logout_dan", "password-logout_dan");
        Response response = rest.post("/api/logout", "", "X-Session-Id", first).expect(204);
        assertThat(response.headers().get("set-cookie")).contains("Max-Age=0", "HTTPOnly", "SameSite=Lax");
        rest.get("/api/user/logout_dan", "X-Session-Id", first).expect(401, "UNAUTHENTICATED");
        rest.post("/api/logout", "", "X-Session-Id", first).expect(401, "UNAUTHENTICATED");
        rest.post("/api/logout", "").expect(401, "UNAUTHENTICATED");
        rest.get("/api/user/logout_dan", "X-Session-Id", second).expect(200, "ok");
    }

    @Test
    void getUserIsForThemselvesOrAdmins() {
        String erin = rest.register("get_erin");
        String frank = rest.register("get_frank");
        String admin = rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
        Response self = rest.get("/api/user/get_erin", "X-Session-Id", erin).expect(200, "ok");
        assertThat(self.body().get("user_name").asText()).isEqualTo("get_erin");
        assertThat(self.body().has("pwd")).isFalse();
        assertThat(self.body().has("password_hash")).isFalse();
        rest.get("/api/user/get_erin", "Cookie", "session=" + erin).expect(200, "ok");
        rest.get("/api/user/get_erin", "X-Session-Id", frank).expect(403, "PERMISSION_DENIED");
        rest.get("/api/user/no_such_user", "X-Session-Id", frank).expect(403, "PERMISSION_DENIED");
        Response byAdmin = rest.get("/api/user/get_erin", "X-Session-Id", admin).expect(200, "ok");
        assertThat(byAdmin.body().get("role").asText()).isEqualTo("user");
        assertThat(rest.get("/api/user/admin", "X-Session-Id", admin).body().get("role").asText()).isEqualTo("admin");
        rest.get("/api/user/no_such_user", "X-Session-Id", admin).expect(404, "USER_NOT_FOUND");
        rest.get("/api/user/bad%20name", "X-Session-Id", admin).expect(400, "INVALID_USER_NAME");
        rest.get("/api/user/get_erin").expect(401, "UNAUTHENTICATED");
    }

    @Test
    void deleteUserEndsSessionsAndRemovesVideos() {
        String gina = rest.register("del_gina");
        String otherSession = rest.login("del_gina", "password-del_gina");
        long video = rest.createVideo(gina, "del_gina", "to be removed");
        String harry = rest.register("del_harry");
        rest.delete("/api/user/del_gina", "X-Session-Id", harry).expect(403, "PERMISSION_DENIED");
        rest.get("/api/videos/" + video).expect(200, "ok");

        rest.delete("/api/user/del_gina", "X-Session-Id", gina).expect(204);
        rest.get("/api/user/del_gina", "X-Session-Id", gina).expect(401, "UNAUTHENTICATED");
        rest.get("/api/user/del_gina", "X-Session-Id", otherSession).expect(401, "UNAUTHENTICATED");
        rest.get("/api/videos/" + video).expect(404, "VIDEO_NOT_FOUND");
        assertThat(mesh.database().dsl().fetchCount(DSL.table("file_deletion_outbox"),
                                                     DSL.field("video_id").eq(video))).isEqualTo(1);
        rest.post("/api/login", json("user_name", "del_gina", "pwd", "password-del_gina")).expect(401,
                                                                                                "INVALID_CREDENTIALS");
        // The name is free again.
        rest.register("del_gina");
    }

    @Test
    void adminDeletesAnyUser() {
        rest.register("del_ivan");
        String admin = rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
        rest.delete("/api/user/del_ivan", "X-Session-Id", admin).expect(204);
        rest.delete("/api/user/del_ivan", "X-Session-Id", admin).expect(404, "USER_NOT_FOUND");
        rest.delete("/api/user/bad$name", "X-Session-Id", admin).expect(400, "INVALID_USER_NAME");
        rest.delete("/api/user/del_ivan").expect(401, "UNAUTHENTICATED");
    }

    @Test
    void unknownRoutesAnswerInTheEnvelope() {
        rest.get("/api/nothing/here").expect(404, "NOT_FOUND");
        rest.post("/api/register", "{\"user_name\":\"" + "x".repeat(70_000) + "\"}").expect(413, "PAYLOAD_TOO_LARGE");
    }
}
