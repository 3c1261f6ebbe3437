package io.mediamesh.common.server;

import com.linecorp.armeria.common.grpc.GrpcMeterIdPrefixFunction;
import com.linecorp.armeria.common.grpc.GrpcSerializationFormats;
import com.linecorp.armeria.common.prometheus.PrometheusMeterRegistries;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServerListener;
import com.linecorp.armeria.server.VirtualHostBuilder;
import com.linecorp.armeria.server.docs.DocService;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import com.linecorp.armeria.server.healthcheck.HealthCheckService;
import com.linecorp.armeria.server.logging.AccessLogWriter;
import com.linecorp.armeria.server.metric.MetricCollectingService;
import com.linecorp.armeria.server.prometheus.PrometheusExpositionService;
import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.mediamesh.common.config.ServerSettings;
import io.mediamesh.common.error.GrpcErrors;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every mediamesh service serves besides its own methods, on one port: gRPC (plus gRPC-Web
 * and unframed protobuf/JSON), server reflection v1 and grpc.health.v1 for grpcurl, DocService at
 * /docs, Prometheus metrics at /metrics, an HTTP health check at /health, access logs, and a
 * graceful shutdown.
 */
public final class ServiceServer {
    /** Who may call a service's port: the services, the gateway and operators' tools; never an agent. */
    public static final Predicate<Identity> MESH_CALLERS = identity -> !identity.isAgent();

    private static final Logger logger = LoggerFactory.getLogger(ServiceServer.class);
    static final String HEALTH_PATH = "/health";

    private ServiceServer() {}

    /** A gRPC service with the mesh's conventions; its methods run on the blocking executor. */
    public static GrpcService grpcService(List<? extends BindableService> services) {
        GrpcServiceBuilder builder = GrpcService.builder()
                                                .supportedSerializationFormats(GrpcSerializationFormats.values())
                                                .enableUnframedRequests(true)
                                                .enableHealthCheckService(true)
                                                .useBlockingTaskExecutor(true)
                                                .exceptionHandler(new GrpcErrors())
                                                .addService(ProtoReflectionServiceV1.newInstance());
        services.forEach(builder::addService);
        return builder.build();
    }

    /** Adds {@code grpc} and the shared endpoints to {@code sb}; returns the registry for the caller's own meters. */
    public static PrometheusMeterRegistry configure(ServerBuilder sb, GrpcService grpc) {
        return configure(sb, grpc, PrometheusMeterRegistries.newRegistry());
    }

    /** As {@link #configure(ServerBuilder, GrpcService)}, exposing a registry the service already has meters in. */
    public static PrometheusMeterRegistry configure(ServerBuilder sb, GrpcService grpc,
                                                    PrometheusMeterRegistry registry) {
        configureObservability(sb, sb.defaultVirtualHost(), registry);
        sb.service(grpc, MetricCollectingService.newDecorator(GrpcMeterIdPrefixFunction.of("grpc.service")));
        return registry;
    }

    /**
     * Adds what every server has besides its own routes: its own metric registry exposed at
     * /metrics, /health, DocService at /docs and access logs. Returns the registry for the
     * caller's own meters.
     */
    public static PrometheusMeterRegistry configureObservability(ServerBuilder sb) {
        return configureObservability(sb, sb.defaultVirtualHost());
    }

    /**
     * As {@link #configureObservability(ServerBuilder)}, with /docs, /metrics and /health served
     * by {@code endpoints} only: the gateway puts them on its management port's virtual host, off
     * its public port.
     */
    public static PrometheusMeterRegistry configureObservability(ServerBuilder sb, VirtualHostBuilder endpoints) {
        return configureObservability(sb, endpoints, PrometheusMeterRegistries.newRegistry());
    }

    /**
     * The shared endpoints with a given registry. The JVM's own meters go in too (memory pools and
     * buffer pools, heap and direct; GC; threads; class loading; process CPU, uptime and file
     * descriptors), so that an operator can watch a process's bounds.
     */
    private static PrometheusMeterRegistry configureObservability(ServerBuilder sb, VirtualHostBuilder endpoints,
                                                                  PrometheusMeterRegistry registry) {
        AutoCloseable gcMeters = JvmMeters.bindTo(registry);
        sb.serverListener(ServerListener.builder().whenStopped(server -> close(gcMeters)).build());
        sb.meterRegistry(registry)
          .accessLogWriter(AccessLogWriter.combined(), true);
        endpoints.serviceUnder("/docs", DocService.builder().build())
                 .service("/metrics", PrometheusExpositionService.of(registry.getPrometheusRegistry()))
                 .service(HEALTH_PATH, HealthCheckService.of());
        return registry;
    }

    private static void close(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            logger.warn("Failed to close {}", resource, e);
        }
    }

    /**
     * Builds and starts a server of the mesh on {@code tls} (see {@link MeshTls#listen}), which admits the
     * identities {@code admitted} accepts and serves plain HTTP for /health and the paths under
     * {@code plainPathPrefixes} only. The caller stops it; a process hands it to {@link #closeOnExit}.
     */
    public static Server serve(String name, ServerSettings settings, MeshTls tls, Predicate<Identity> admitted,
                               List<String> plainPathPrefixes, Consumer<ServerBuilder> configureServices) {
        return serve(name, settings, sb -> listen(sb, new InetSocketAddress(settings.host(), settings.port()), tls,
                                                  admitted, plainPathPrefixes),
                     configureServices);
    }

    /**
     * As {@link #serve(String, ServerSettings, MeshTls, Predicate, List, Consumer)} and then
     * {@link #closeOnExit}: the server stops (then {@code resources} close, in order) when the JVM is
     * asked to exit.
     */
    public static Server start(String name, ServerSettings settings, MeshTls tls, Predicate<Identity> admitted,
                               List<String> plainPathPrefixes, Consumer<ServerBuilder> configureServices,
                               AutoCloseable... resources) {
        Server server = serve(name, settings, tls, admitted, plainPathPrefixes, configureServices);
        List<AutoCloseable> toClose = new ArrayList<>(List.of(resources));
        closeOnExit(name, () -> {
            server.stop().join();
            toClose.forEach(ServiceServer::close);
        });
        return server;
    }

    /** Listens as a server of the mesh: {@code tls} and its admitted identities, /health in plain HTTP too. */
    public static void listen(ServerBuilder sb, InetSocketAddress address, MeshTls tls, Predicate<Identity> admitted,
                              List<String> plainPathPrefixes) {
        List<String> plain = new ArrayList<>(plainPathPrefixes);
        plain.add(HEALTH_PATH);
        tls.listen(sb, address, admitted, plain);
    }

    /**
     * Builds and starts a server outside the mesh, in plain HTTP (the gateway's public port, behind a
     * proxy that terminates the browsers' TLS); the caller stops it.
     */
    public static Server servePlain(String name, ServerSettings settings, Consumer<ServerBuilder> configureServices) {
        return serve(name, settings, sb -> sb.http(new InetSocketAddress(settings.host(), settings.port())),
                     configureServices);
    }

    /**
     * Keeps a process's service until the JVM is asked to exit (Ctrl-C, SIGTERM, or the process that
     * started this one gone: see {@link Supervisor}), then closes {@code running} (its server drains
     * in-flight calls first) and then {@code resources}, in order.
     */
    public static void closeOnExit(RunningService<?> running, AutoCloseable... resources) {
        List<AutoCloseable> toClose = new ArrayList<>(List.of(resources));
        closeOnExit(running.name(), () -> {
            running.close();
            toClose.forEach(ServiceServer::close);
        });
    }

    private static void closeOnExit(String name, Runnable stop) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            logger.info("{} stopping", name);
            stop.run();
            logger.info("{} stopped", name);
        }, name + "-shutdown"));
        Supervisor.exitWhenGone(name, System.getenv());
    }

    private static Server serve(String name, ServerSettings settings, Consumer<ServerBuilder> listen,
                                Consumer<ServerBuilder> configureServices) {
        ServerBuilder sb = Server.builder()
                                 .gracefulShutdownTimeout(settings.gracefulQuietPeriod(),
                                                          settings.gracefulTimeout());
        listen.accept(sb);
        configureServices.accept(sb);
        Server server = sb.build();
        server.start().join();
        logger.info("{} listening on {}:{} (gRPC, /docs, /metrics, /health)", name, settings.host(),
                    server.activeLocalPort());
        return server;
    }
}
