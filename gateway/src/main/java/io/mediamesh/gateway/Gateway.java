package io.mediamesh.gateway;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import io.mediamesh.common.client.GrpcClientFactory;
import io.mediamesh.common.server.RunningService;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.gateway.admin.ConfigRoutes;
import io.mediamesh.gateway.admin.ServerRoutes;
import io.mediamesh.gateway.apply.ApplyControlRoutes;
import io.mediamesh.gateway.apply.ApplyHistoryRoutes;
import io.mediamesh.gateway.apply.ApplyRoutes;
import io.mediamesh.gateway.apply.ApplyWebSocket;
import io.mediamesh.gateway.browser.CrossSitePolicy;
import io.mediamesh.gateway.browser.CrossSiteRequestGuard;
import io.mediamesh.gateway.browser.SecurityHeaders;
import io.mediamesh.gateway.browser.SessionCookies;
import io.mediamesh.gateway.comment.CommentRoutes;
import io.mediamesh.gateway.http.ClientAddresses;
import io.mediamesh.gateway.http.Compression;
import io.mediamesh.gateway.http.RestErrors;
import io.mediamesh.gateway.openapi.ApiDescription;
import io.mediamesh.gateway.playback.PlaybackRedirect;
import io.mediamesh.gateway.quota.QuotaRoutes;
import io.mediamesh.gateway.room.LiveStreamRoutes;
import io.mediamesh.gateway.room.RoomRoutes;
import io.mediamesh.gateway.scheduler.SchedulerRoutes;
import io.mediamesh.gateway.site.WebSite;
import io.mediamesh.gateway.upload.UploadProxy;
import io.mediamesh.gateway.user.UserRoutes;
import io.mediamesh.gateway.video.ForgetCopiesOnWrite;
import io.mediamesh.gateway.video.ReadCopies;
import io.mediamesh.gateway.video.VideoRoutes;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The REST gateway: serves the routes of API.md by calling the services over gRPC, as the mesh
 * identity {@code gateway} (its certificate), carrying each user's session. It holds no state, so
 * replicas can run side by side (sharing the gateway's certificate). Its public port serves the
 * REST API (with its OpenAPI description), streaming, uploads and the web site that uses them;
 * /docs, /metrics, /health, gRPC reflection and health, and Swagger UI are on a management port.
 */
public final class Gateway implements AutoCloseable {
    /** The path prefixes of the route groups with routes that change state. */
    private static final List<String> STATE_CHANGING_PREFIXES = List.of("/api", "/scheduler", "/upload");

    private final GatewaySettings settings;
    private final UserSvcClients userSvc;
    private final ClientFactory loginConnections;
    private final ClientFactory uploadConnections;
    private final GrpcClientFactory clients;
    private final WebClient fileServer;
    private final ConfigSvcClients configSvc;
    private final MediaSvcClients mediaSvc;
    private final SchedulerSvcClients schedulerSvc;

    /** @param tls the gateway's identity towards the services (its public port is plain HTTP, see Main) */
    public Gateway(GatewaySettings settings, MeshTls tls) {
        this.settings = settings;
        ClientFactory clientFactory = tls.clientFactory();
        // One set of replica groups (health checks) for all of the gateway's stubs.
        this.clients = new GrpcClientFactory(tls, settings.deadline());
        this.loginConnections = tls.configure(ClientFactory.builder().workerGroup(clientFactory.eventLoopGroup(), false))
                                   .build();
        this.userSvc = UserSvcClients.create(clients, clients.withConnections(loginConnections),
                                             settings.endpoints().userSvc());
        this.uploadConnections = UploadProxy.connections(settings.files(), tls, clientFactory.eventLoopGroup());
        this.fileServer = UploadProxy.client(settings.files(), uploadConnections);
        // An apply streams for as long as it runs: its own, longer deadline.
        this.configSvc = ConfigSvcClients.create(clients, clients.withDeadline(settings.applyTimeout()),
                                                 settings.endpoints().configSvc());
        this.mediaSvc = MediaSvcClients.create(clients, clients.withDeadline(settings.streamChangeTimeout()),
                                               settings.endpoints().mediaSvc());
        this.schedulerSvc = SchedulerSvcClients.create(clients, settings.endpoints().schedulerSvc());
    }

    /**
     * The gateway serving its public port (plain HTTP: browsers reach it through a proxy that terminates
     * their TLS) and its management port, calling the services over the mesh's mutual TLS as {@code tls}.
     * What Main runs, and what tests start in their JVM.
     */
    public static RunningService<Gateway> run(GatewaySettings settings, MeshTls tls) {
        Gateway gateway = new Gateway(settings, tls);
        Server server = ServiceServer.servePlain("gateway", settings.server(), gateway::configureServices);
        return new RunningService<>("gateway", gateway, server,
                                    RunningService.healthOn(managementPort(server, settings)), null,
                                    List.of(gateway));
    }

    /** The management port {@code server} listens on, where the gateway's /health is (0 in the settings: any). */
    private static int managementPort(Server server, GatewaySettings settings) {
        int configured = settings.management().port();
        if (configured != 0) {
            return configured;
        }
        int publicPort = settings.server().port();
        return server.activePorts().keySet().stream().mapToInt(InetSocketAddress::getPort)
                     .filter(port -> port != publicPort).findFirst().orElseThrow();
    }

    /**
     * Adds the REST routes to {@code sb}, whose port is the public one, and the management port
     * with /docs, /metrics, /health, gRPC reflection and health, and /openapi/ (Swagger UI); tests reuse it.
     */
    public void configureServices(ServerBuilder sb) {
        var management = settings.management();
        if (management.port() == settings.server().port()) {
            throw new IllegalArgumentException("The management port must differ from the public port " +
                                               management.port() + '.');
        }
        sb.http(new InetSocketAddress(management.host(), management.port()));
        sb.requestTimeout(settings.requestTimeout());
        var managementHost = sb.virtualHost(management.port());
        ServiceServer.configureObservability(sb, managementHost);
        // gRPC reflection and grpc.health.v1 (the gateway has no gRPC services of its own).
        managementHost.service(ServiceServer.grpcService(List.of()));
        ApiDescription.serveUi(managementHost);
        // The public routes, and their headers, go on the default virtual host itself: what is bound on
        // the ServerBuilder is served by every virtual host, the management port's included (whose
        // DocService has pages of its own).
        var site = sb.defaultVirtualHost();
        RestErrors errors = new RestErrors();
        sb.errorHandler(errors);
        // Every route group that changes state, whatever its routes, refuses cross-site forgeries, and a
        // write that succeeds through it forgets the read copies, so that the client's next read shows it.
        var crossSite = new CrossSiteRequestGuard(new CrossSitePolicy(settings.browser().siteOrigins()));
        ReadCopies copies = new ReadCopies();
        var forgetCopies = new ForgetCopiesOnWrite(copies);
        for (String prefix : STATE_CHANGING_PREFIXES) {
            site.decoratorUnder(prefix, crossSite);
            site.decoratorUnder(prefix, forgetCopies);
        }
        // Added last, so it wraps the guards above: their refusals carry the headers too.
        site.decoratorUnder("/", new SecurityHeaders(settings.files(), settings.browser().janusOrigins()));
        SessionCookies cookies = new SessionCookies(settings.browser().secureCookies(), Clock.systemUTC());
        for (Object routes : new Object[] { new UserRoutes(userSvc, cookies,
                                                           new ClientAddresses(settings.trustedProxies())),
                                            new VideoRoutes(userSvc, copies),
                                            new QuotaRoutes(userSvc.quotas(), mediaSvc.usage()),
                                            new CommentRoutes(userSvc), new ServerRoutes(configSvc),
                                            new ConfigRoutes(configSvc),
                                            new RoomRoutes(mediaSvc, settings.browser().iceTransportPolicy()),
                                            new LiveStreamRoutes(mediaSvc),
                                            new ApplyRoutes(configSvc.applyStreams()),
                                            new ApplyHistoryRoutes(configSvc.applies()),
                                            new ApplyControlRoutes(configSvc.applies()) }) {
            site.annotatedService()
                .pathPrefix("/api")
                .maxRequestLength(settings.maxJsonBodyBytes())
                .exceptionHandlers(errors)
                .build(routes);
        }
        // About 250 KB of JSON, a tenth of it compressed.
        site.route().get(ApiDescription.DOCUMENT_PATH).decorator(Compression.decorator())
            .build(ApiDescription.document());
        site.annotatedService().pathPrefix("/scheduler").exceptionHandlers(errors)
            .build(new SchedulerRoutes(schedulerSvc.scheduler()));
        site.service(ApplyWebSocket.PATH, new ApplyWebSocket(configSvc.applyStreams(), userSvc.sessions()).service());
        site.annotatedService().exceptionHandlers(errors).build(new PlaybackRedirect(settings.files()));
        UploadProxy uploads = new UploadProxy(fileServer);
        // Bodies of any size and duration pass through; media-svc's file server enforces the file limit as
        // they flow, and its idle timeout ends a transfer that stalls.
        for (String path : new String[] { "/upload/videos/{vid}", "/upload/resumable" }) {
            site.route().path(path).maxRequestLength(0).requestTimeout(Duration.ZERO).build(uploads);
        }
        site.route().pathPrefix("/upload/resumable/").maxRequestLength(0).requestTimeout(Duration.ZERO).build(uploads);
        WebSite.addTo(site);
    }

    /**
     * Closes the replica groups and the connections of logins and uploads (the event loops are the
     * given client factory's).
     */
    @Override
    public void close() {
        clients.close();
        loginConnections.close();
        uploadConnections.close();
    }
}
