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
import io.mediamesh.common.time.Times;
import io.mediamesh.user.user.Credentials;
import io.mediamesh.user.user.PasswordHasher;
import io.mediamesh.user.user.UserRepository;
import io.mediamesh.user.user.UserRepository.StoredCredentials;
import java.util.Optional;

/** SessionService over gRPC. Runs on the blocking executor. */
public final class SessionGrpcService extends SessionServiceGrpc.SessionServiceImplBase {
    private final UserRepository users;
    private final SessionStore sessions;
    private final PasswordHasher hasher;

    public SessionGrpcService(UserRepository users, SessionStore sessions, PasswordHasher hasher) {
        this.users = users;
        this.sessions = sessions;
        this.hasher = hasher;
    }

    @Override
    public void login(LoginRequest request, StreamObserver<LoginResponse> response) {
        String userName = Credentials.checkUserName(request.getUserName());
        String password = Credentials.checkPassword(request.getPassword());
        Optional<StoredCredentials> stored = users.findCredentials(userName);
        boolean valid;
        if (stored.isPresent()) {
            valid = hasher.verify(password, stored.get().passwordHash());
        } else {
            hasher.verifyDecoy(password);
            valid = false;
        }
        if (!valid) {
            throw new MediameshException(ErrorCode.INVALID_CREDENTIALS, "Wrong user name or password.");
        }
        SessionGrant session = sessions.create(stored.get().account());
        response.onNext(LoginResponse.newBuilder().setSession(session.toProto())
                                     .setUser(stored.get().account().toProto()).build());
        response.onCompleted();
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
