package io.mediamesh.gateway.user;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.Cookie;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.mediamesh.api.v1.DeleteUserRequest;
import io.mediamesh.api.v1.GetUserRequest;
import io.mediamesh.api.v1.LoginRequest;
import io.mediamesh.api.v1.LogoutRequest;
import io.mediamesh.api.v1.RegisterUserRequest;
import io.mediamesh.api.v1.Session;
import io.mediamesh.gateway.UserSvcClients;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.JsonBody;
import io.mediamesh.gateway.http.Views;
import java.util.concurrent.CompletableFuture;

/** Users and sessions: /api/register, /api/login, /api/logout, /api/user/:user_name. */
public final class UserRoutes {
    private final UserSvcClients userSvc;

    public UserRoutes(UserSvcClients userSvc) {
        this.userSvc = userSvc;
    }

    @Post("/register")
    public CompletableFuture<HttpResponse> register(AggregatedHttpRequest request) {
        JsonBody body = JsonBody.parse(request);
        RegisterUserRequest call = RegisterUserRequest.newBuilder()
                                                      .setUserName(body.requiredString("user_name"))
                                                      .setPassword(body.requiredString("pwd"))
                                                      .build();
        return Calls.anonymous(() -> userSvc.users().registerUser(call)).thenApply(
                response -> withSessionCookie(HttpStatus.CREATED, response.getSession(),
                                              new Registered(response.getSession().getSessionId(),
                                                             UserView.of(response.getUser()))));
    }

    @Post("/login")
    public CompletableFuture<HttpResponse> login(AggregatedHttpRequest request) {
        JsonBody body = JsonBody.parse(request);
        LoginRequest call = LoginRequest.newBuilder()
                                        .setUserName(body.requiredString("user_name"))
                                        .setPassword(body.requiredString("pwd"))
                                        .build();
        return Calls.anonymous(() -> userSvc.sessions().login(call)).thenApply(
                response -> withSessionCookie(HttpStatus.OK, response.getSession(),
                                              new LoggedIn(response.getSession().getSessionId(),
                                                           Views.time(response.getSession().getExpiresAt()))));
    }

    @Post("/logout")
    public CompletableFuture<HttpResponse> logout(RequestHeaders headers) {
        return Calls.as(headers, () -> userSvc.sessions().logout(LogoutRequest.getDefaultInstance()))
                    .thenApply(ignored -> HttpResponse.of(
                            ResponseHeaders.builder(HttpStatus.NO_CONTENT)
                                           .cookie(Cookie.builder(Calls.SESSION_COOKIE, "").path("/").maxAge(0)
                                                         .httpOnly(true).build())
                                           .build()));
    }

    @Get("/user/{user_name}")
    public CompletableFuture<HttpResponse> getUser(RequestHeaders headers, @Param("user_name") String userName) {
        GetUserRequest call = GetUserRequest.newBuilder().setUserName(userName).build();
        return Calls.as(headers, () -> userSvc.users().getUser(call))
                    .thenApply(response -> Envelope.ok(UserView.of(response.getUser())));
    }

    @Delete("/user/{user_name}")
    public CompletableFuture<HttpResponse> deleteUser(RequestHeaders headers, @Param("user_name") String userName) {
        DeleteUserRequest call = DeleteUserRequest.newBuilder().setUserName(userName).build();
        return Calls.as(headers, () -> userSvc.users().deleteUser(call))
                    .thenApply(response -> HttpResponse.of(HttpStatus.NO_CONTENT));
    }

    /** Login and register also set the session cookie, for browsers. */
    private static HttpResponse withSessionCookie(HttpStatus status, Session session, Object payload) {
        Cookie cookie = Cookie.builder(Calls.SESSION_COOKIE, session.getSessionId())
                              .path("/")
                              .httpOnly(true)
                              .sameSite("Lax")
                              .build();
        return Envelope.of(ResponseHeaders.builder(status).cookie(cookie).build(), payload);
    }

    record Registered(String sessionId, UserView user) {}

    record LoggedIn(String sessionId, String expiresAt) {}
}
