package io.mediamesh.gateway.user;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
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
import io.mediamesh.gateway.browser.SessionCookies;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.ClientAddresses;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.JsonBody;
import io.mediamesh.gateway.http.Views;
import java.util.concurrent.CompletableFuture;

/** Users and sessions: /api/register, /api/login, /api/logout, /api/user/:user_name. */
public final class UserRoutes {
    private final UserSvcClients userSvc;
    private final SessionCookies cookies;
    private final ClientAddresses clientAddresses;

    public UserRoutes(UserSvcClients userSvc, SessionCookies cookies, ClientAddresses clientAddresses) {
        this.userSvc = userSvc;
        this.cookies = cookies;
        this.clientAddresses = clientAddresses;
    }

    @Post("/register")
    public CompletableFuture<HttpResponse> register(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        JsonBody body = JsonBody.parse(request);
        RegisterUserRequest call = RegisterUserRequest.newBuilder()
                                                      .setUserName(body.requiredString("user_name"))
                                                      .setPassword(body.requiredString("pwd"))
                                                      .build();
        return Calls.anonymous(() -> userSvc.users().registerUser(call)).thenApply(
                response -> withSessionCookie(ctx, HttpStatus.CREATED, response.getSession(),
                                              new Registered(response.getSession().getSessionId(),
                                                             UserView.of(response.getUser()))));
    }

    @Post("/login")
    public CompletableFuture<HttpResponse> login(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        JsonBody body = JsonBody.parse(request);
        LoginRequest call = LoginRequest.newBuilder()
                                        .setUserName(body.requiredString("user_name"))
                                        .setPassword(body.requiredString("pwd"))
                                        // Failed logins are throttled per client address.
                                        .setClientAddress(clientAddresses.of(ctx))
                                        .build();
        return Calls.anonymous(() -> userSvc.logins().login(call)).thenApply(
                response -> withSessionCookie(ctx, HttpStatus.OK, response.getSession(),
                                              new LoggedIn(response.getSession().getSessionId(),
                                                           Views.time(response.getSession().getExpiresAt()))));
    }

    @Post("/logout")
    public CompletableFuture<HttpResponse> logout(ServiceRequestContext ctx, RequestHeaders headers) {
        return Calls.as(headers, () -> userSvc.sessions().logout(LogoutRequest.getDefaultInstance()))
                    .thenApply(ignored -> HttpResponse.of(
                            ResponseHeaders.builder(HttpStatus.NO_CONTENT).cookie(cookies.clear(ctx)).build()));
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
    private HttpResponse withSessionCookie(ServiceRequestContext ctx, HttpStatus status, Session session,
                                           Object payload) {
        return Envelope.of(ResponseHeaders.builder(status).cookie(cookies.issue(ctx, session)).build(), payload);
    }

    record Registered(String sessionId, UserView user) {}

    record LoggedIn(String sessionId, String expiresAt) {}
}
