package io.mediamesh.user.user;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.DeleteUserRequest;
import io.mediamesh.api.v1.DeleteUserResponse;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetUserRequest;
import io.mediamesh.api.v1.GetUserResponse;
import io.mediamesh.api.v1.RegisterUserRequest;
import io.mediamesh.api.v1.RegisterUserResponse;
import io.mediamesh.api.v1.UserServiceGrpc;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.server.Replies;
import io.mediamesh.user.deletion.DeletionRelay;
import io.mediamesh.user.session.SessionGrant;
import io.mediamesh.user.session.SessionStore;
import io.mediamesh.user.video.VideoRepository;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UserService over gRPC. Runs on the blocking executor: every method may touch the database; a
 * registration's hash runs under {@link PasswordHashing}.
 */
public final class UserGrpcService extends UserServiceGrpc.UserServiceImplBase {
    private static final Logger logger = LoggerFactory.getLogger(UserGrpcService.class);

    private final UserRepository users;
    private final VideoRepository videos;
    private final SessionStore sessions;
    private final DeletionRelay deletionRelay;
    private final PasswordHashing passwords;
    private final UserAccess access;
    private final Clock clock;

    public UserGrpcService(UserRepository users, VideoRepository videos, SessionStore sessions,
                           DeletionRelay deletionRelay, PasswordHashing passwords, UserAccess access,
                           Clock clock) {
        this.users = users;
        this.videos = videos;
        this.deletionRelay = deletionRelay;
        this.sessions = sessions;
        this.passwords = passwords;
        this.access = access;
        this.clock = clock;
    }

    @Override
    public void registerUser(RegisterUserRequest request, StreamObserver<RegisterUserResponse> response) {
        String userName = Credentials.checkUserName(request.getUserName());
        String password = Credentials.checkPassword(request.getPassword());
        var answer = passwords.hash(password, Replies.cancelled(response)).thenApplyAsync(hash -> {
            UserAccount user = users.insert(userName, hash, UserRole.USER, clock.instant())
                                    .orElseThrow(() -> new MediameshException(ErrorCode.USER_ALREADY_EXISTS,
                                                                              "user_name is taken: " + userName));
            SessionGrant session = sessions.create(user);
            logger.info("Registered user {} (id {})", user.userName(), user.id());
            return RegisterUserResponse.newBuilder().setUser(user.toProto()).setSession(session.toProto()).build();
        }, ServiceRequestContext.current().blockingTaskExecutor());
        Replies.complete(response, answer);
    }

    @Override
    public void getUser(GetUserRequest request, StreamObserver<GetUserResponse> response) {
        UserAccount user = access.findAuthorized(request.getUserName());
        response.onNext(GetUserResponse.newBuilder().setUser(user.toProto()).build());
        response.onCompleted();
    }

    @Override
    public void deleteUser(DeleteUserRequest request, StreamObserver<DeleteUserResponse> response) {
        UserAccount user = access.findAuthorized(request.getUserName());
        var videoIds = users.delete(user.id(), clock.instant());
        sessions.forgetUser(user.id());
        videos.evict(videoIds);
        deletionRelay.wake();
        logger.info("Deleted user {} (id {}) with {} videos", user.userName(), user.id(), videoIds.size());
        response.onNext(DeleteUserResponse.newBuilder().addAllDeletedVideoIds(videoIds).build());
        response.onCompleted();
    }
}
