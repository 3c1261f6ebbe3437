package io.mediamesh.gateway;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.server.ServerBuilder;
import io.mediamesh.api.v1.ConfigServiceGrpc.ConfigServiceStub;
import io.mediamesh.common.client.GrpcClientFactory;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.gateway.admin.ConfigRoutes;
import io.mediamesh.gateway.admin.ServerRoutes;
import io.mediamesh.gateway.apply.ApplyRoutes;
import io.mediamesh.gateway.apply.ApplyWebSocket;
import io.mediamesh.gateway.comment.CommentRoutes;
import io.mediamesh.gateway.file.StreamRoutes;
import io.mediamesh.gateway.file.UploadRoutes;
import io.mediamesh.gateway.http.RestErrors;
import io.mediamesh.gateway.room.LiveStreamRoutes;
import io.mediamesh.gateway.room.RoomClients;
import io.mediamesh.gateway.room.RoomRoutes;
import io.mediamesh.gateway.scheduler.SchedulerRoutes;
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
    private final RoomClients rooms;
    private final SchedulerRoutes schedulerRoutes;
    private final ConfigServiceStub configApply;

    public Gateway(GatewaySettings settings, ClientFactory clientFactory) {
        this.settings = settings;
        GrpcClientFactory clients = new GrpcClientFactory(clientFactory, settings.deadline());
        this.userSvc = UserSvcClients.create(clients, settings.endpoints().userSvc());
        this.streamConnections = MediaSvcClients.streamingConnections(clientFactory, settings.files().streamTokens());
        this.mediaSvc = MediaSvcClients.create(new GrpcClientFactory(streamConnections, settings.deadline()), clients,
                                               settings.endpoints().mediaSvc());
        this.configSvc = ConfigSvcClients.create(clients, settings.endpoints().configSvc());
        this.rooms = RoomClients.create(clients, new GrpcClientFactory(clientFactory, settings.streamChangeTimeout()),
                                        settings.endpoints().mediaSvc());
        this.schedulerRoutes = SchedulerRoutes.create(clients, settings.endpoints().schedulerSvc());
        // An apply streams for as long as it runs: its own, longer deadline.
        this.configApply = new GrpcClientFactory(clientFactory, settings.applyTimeout())
                .newStub(settings.endpoints().configSvc(), ConfigServiceStub.class);
    }

    /** Adds the REST routes and the shared endpoints to {@code sb}; tests reuse it. */
    public void configureServices(ServerBuilder sb) {
        var registry = ServiceServer.configureObservability(sb);
        RestErrors errors = new RestErrors();
        sb.errorHandler(errors);
        for (Object routes : new Object[] { new UserRoutes(userSvc), new VideoRoutes(userSvc),
                                            new CommentRoutes(userSvc), new ServerRoutes(configSvc),
                                            new ConfigRoutes(configSvc), new RoomRoutes(rooms),
                                            new LiveStreamRoutes(rooms),
                                            new ApplyRoutes(configApply) }) {
            sb.annotatedService()
              .pathPrefix("/api")
              .maxRequestLength(settings.maxJsonBodyBytes())
              .exceptionHandlers(errors)
              .build(routes);
        }
        sb.annotatedService().pathPrefix("/scheduler").exceptionHandlers(errors).build(schedulerRoutes);
        sb.service(ApplyWebSocket.PATH, new ApplyWebSocket(configApply, userSvc.sessions()).service());
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
