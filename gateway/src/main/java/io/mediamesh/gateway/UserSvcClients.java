package io.mediamesh.gateway;

import io.mediamesh.api.v1.CommentServiceGrpc;
import io.mediamesh.api.v1.CommentServiceGrpc.CommentServiceFutureStub;
import io.mediamesh.api.v1.QuotaServiceGrpc.QuotaServiceFutureStub;
import io.mediamesh.api.v1.SessionServiceGrpc;
import io.mediamesh.api.v1.SessionServiceGrpc.SessionServiceFutureStub;
import io.mediamesh.api.v1.UserServiceGrpc;
import io.mediamesh.api.v1.UserServiceGrpc.UserServiceFutureStub;
import io.mediamesh.api.v1.VideoServiceGrpc;
import io.mediamesh.api.v1.VideoServiceGrpc.VideoServiceFutureStub;
import io.mediamesh.common.client.GrpcClientFactory;

/**
 * The stubs of user-svc's services, with one deadline. {@code logins} has connections of its own,
 * so that a flood of logins never queues the other calls (session checks, reads) behind it on a
 * shared connection. user-svc believes the client address a login reports because the gateway's
 * certificate presents it.
 */
public record UserSvcClients(UserServiceFutureStub users, SessionServiceFutureStub sessions,
                             SessionServiceFutureStub logins, VideoServiceFutureStub videos,
                             CommentServiceFutureStub comments, QuotaServiceFutureStub quotas) {
    public static UserSvcClients create(GrpcClientFactory factory, GrpcClientFactory loginFactory, String endpoint) {
        return new UserSvcClients(factory.newStub(endpoint, UserServiceGrpc.UserServiceFutureStub.class),
                                  factory.newStub(endpoint, SessionServiceGrpc.SessionServiceFutureStub.class),
                                  loginFactory.newStub(endpoint, SessionServiceGrpc.SessionServiceFutureStub.class),
                                  factory.newStub(endpoint, VideoServiceGrpc.VideoServiceFutureStub.class),
                                  factory.newStub(endpoint, CommentServiceGrpc.CommentServiceFutureStub.class),
                                  factory.newStub(endpoint, QuotaServiceFutureStub.class));
    }
}
