package io.mediamesh.user.session;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.LoginRequest;
import io.mediamesh.api.v1.LoginResponse;
import io.mediamesh.api.v1.LogoutRequest;
import io.mediamesh.api.v1.LogoutResponse;
import io.mediamesh.api.v1.SessionServiceGrpc;
import io.mediamesh.api.v1.ValidateSessionRequest;
import io.mediamesh.api.v1.ValidateSessionResponse;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.server.Replies;
import io.mediamesh.common.time.Times;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.user.user.Credentials;
import io.mediamesh.user.user.PasswordHashing;
import io.mediamesh.user.user.UserRepository;

/** SessionService over gRPC. Runs on the blocking executor; a login's hash runs under {@link PasswordHashing}. */
public final class SessionGrpcService extends SessionServiceGrpc.SessionServiceImplBase {
    private final UserRepository users;
    private final SessionStore sessions;
    private final PasswordHashing passwords;
    private final LoginThrottle throttle;
    private final Callers callers;

    public SessionGrpcService(UserRepository users, SessionStore sessions, PasswordHashing passwords,
                              LoginThrottle throttle, Callers callers) {
        this.users = users;
        this.sessions = sessions;
        this.passwords = passwords;
        this.throttle = throttle;
        this.callers = callers;
    }

    /**
     * A wrong password and an unknown user go the same way (throttled alike, a hash each, the same
     * code), so that nothing tells whether the user exists.
     */
    @Override
    public void login(LoginRequest request, StreamObserver<LoginResponse> response) {
        String userName = Credentials.checkUserName(request.getUserName());
        String password = Credentials.checkPassword(request.getPassword());
        ServiceRequestContext ctx = ServiceRequestContext.current();
        LoginThrottle.Attempt attempt = throttle.admit(userName, clientAddress(request, ctx));
        var answer = passwords.verify(password, () -> users.findCredentials(userName), Replies.cancelled(response))
                              .whenComplete((account, failure) -> {
                                  if (failure != null) {
                                      attempt.notJudged();
                                  }
                              })
                              .thenApplyAsync(account -> {
                                  if (account.isEmpty()) {
                                      throw new MediameshException(ErrorCode.INVALID_CREDENTIALS,
                                                                   "Wrong user name or password.");
                                  }
                                  attempt.succeeded();
                                  SessionGrant session = sessions.create(account.get());
                                  return LoginResponse.newBuilder().setSession(session.toProto())
                                                      .setUser(account.get().toProto()).build();
                              }, ctx.blockingTaskExecutor());
        Replies.complete(response, answer);
    }

    /** The end user's address: as the gateway reports it, else the caller's own. */
    private String clientAddress(LoginRequest request, ServiceRequestContext ctx) {
        if (!request.getClientAddress().isEmpty() && callers.isCalledBy(Identity.GATEWAY)) {
            return request.getClientAddress();
        }
        return ctx.clientAddress().getHostAddress();
    }

    @Override
    public void logout(LogoutRequest request, StreamObserver<LogoutResponse> response) {
        String sessionId = ServiceRequestContext.current().request().headers().get(Callers.SESSION_HEADER);
        if (sessionId == null || !sessions.end(sessionId.trim())) {
            throw new MediameshException(ErrorCode.UNAUTHENTICATED, "No live session to end.");
        }
        response.onNext(LogoutResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void validateSession(ValidateSessionRequest request, StreamObserver<ValidateSessionResponse> response) {
        ActiveSession session = sessions.touch(request.getSessionId());
        response.onNext(ValidateSessionResponse.newBuilder()
                                               .setPrincipal(session.user().toPrincipal())
                                               .setExpiresAt(Times.toProto(session.expiresAt()))
                                               .build());
        response.onCompleted();
    }
}
