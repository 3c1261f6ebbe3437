package io.mediamesh.gateway;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.server.ServerBuilder;
import io.mediamesh.common.client.GrpcClientFactory;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.gateway.admin.ConfigRoutes;
import io.mediamesh.gateway.admin.ServerRoutes;
import io.mediamesh.gateway.comment.CommentRoutes;
import io.mediamesh.gateway.file.StreamRoutes;
import io.mediamesh.gateway.file.UploadRoutes;
import io.mediamesh.gateway.http.RestErrors;
import io.mediamesh.gateway.limit.TokenLimiter;
import io.mediamesh.gateway.user.UserRoutes;
import io.mediamesh.gateway.video.VideoRoutes;

/**
 * The REST gateway: serves the routes of API.md by calling the services over gRPC. It holds no
 * state and no identity of its own, so replicas can run side by side.
 */
public final class Gateway implements AutoCloseable {
    private final GatewaySettings settings;
    private final UserSvcClients userSvc;
    private final ClientFactory streamConnections;
    private final MediaSvcClients mediaSvc;
    private final ConfigSvcClients configSvc;

    public Gateway(GatewaySettings settings, ClientFactory clientFactory) {
        this.settings = settings;
        GrpcClientFactory clients = new GrpcClientFactory(clientFactory, settings.deadline());
        this.userSvc = UserSvcClients.create(clients, settings.endpoints().userSvc());
        this.streamConnections = MediaSvcClients.streamingConnections(clientFactory, settings.files().streamTokens());
        this.mediaSvc = MediaSvcClients.create(new GrpcClientFactory(streamConnections, settings.deadline()), clients,
                                               settings.endpoints().mediaSvc());
        this.configSvc = ConfigSvcClients.create(clients, settings.endpoints().configSvc());
    }

    /** Adds the REST routes and the shared endpoints to {@code sb}; tests reuse it. */
    public void configureServices(ServerBuilder sb) {
        var registry = ServiceServer.configureObservability(sb);
        RestErrors errors = new RestErrors();
        sb.errorHandler(errors);
        for (Object routes : new Object[] { new UserRoutes(userSvc), new VideoRoutes(userSvc),
                                            new CommentRoutes(userSvc), new ServerRoutes(configSvc),
                                            new ConfigRoutes(configSvc) }) {
            sb.annotatedService()
              .pathPrefix("/api")
              .maxRequestLength(settings.maxJsonBodyBytes())
              .exceptionHandlers(errors)
              .build(routes);
        }
        var files = settings.files();
        // Transfers set their own idle timeouts as they progress (see StreamRoutes, UploadRoutes).
        sb.annotatedService()
          .decorator(new TokenLimiter("stream", files.streamTokens(), files.retryAfter(), registry))
          .exceptionHandlers(errors)
          .build(new StreamRoutes(mediaSvc, files));
        sb.annotatedService()
          .decorator(new TokenLimiter("upload", files.uploadTokens(), files.retryAfter(), registry))
          .maxRequestLength(files.maxUploadBody())
          .exceptionHandlers(errors)
          .build(new UploadRoutes(mediaSvc, files));
    }

    /** Closes the connections of file streams (the event loops are the given client factory's). */
    @Override
    public void close() {
        streamConnections.close();
    }
}
