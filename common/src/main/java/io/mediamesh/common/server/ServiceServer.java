package io.mediamesh.common.server;

import com.linecorp.armeria.common.grpc.GrpcMeterIdPrefixFunction;
import com.linecorp.armeria.common.grpc.GrpcSerializationFormats;
import com.linecorp.armeria.common.prometheus.PrometheusMeterRegistries;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
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
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every mediamesh service serves besides its own methods, on one port: gRPC (plus gRPC-Web
 * and unframed protobuf/JSON), server reflection v1 and grpc.health.v1 for grpcurl, DocService at
 * /docs, Prometheus metrics at /metrics, an HTTP health check at /health, access logs, and a
 * graceful shutdown.
 */
public final class ServiceServer {
    private static final Logger logger = LoggerFactory.getLogger(ServiceServer.class);

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

    /** Adds {@code grpc} and the shared endpoints to {@code sb}. */
    public static ServerBuilder configure(ServerBuilder sb, GrpcService grpc) {
        configureObservability(sb);
        return sb.service(grpc, MetricCollectingService.newDecorator(GrpcMeterIdPrefixFunction.of("grpc.service")));
    }

    /**
     * Adds what every server has besides its own routes: its own metric registry exposed at
     * /metrics, /health, DocService at /docs and access logs. Returns the registry for the
     * caller's own meters.
     */
    public static PrometheusMeterRegistry configureObservability(ServerBuilder sb) {
        PrometheusMeterRegistry registry = PrometheusMeterRegistries.newRegistry();
        sb.meterRegistry(registry)
          .serviceUnder("/docs", DocService.builder().build())
          .service("/metrics", PrometheusExpositionService.of(registry.getPrometheusRegistry()))
          .service("/health", HealthCheckService.of())
          .accessLogWriter(AccessLogWriter.combined(), true);
        return registry;
    }

    /**
     * Builds and starts a server, and stops it (then closes {@code resources}, in order) when the
     * JVM is asked to exit: Ctrl-C or SIGTERM drain in-flight calls first.
     */
    public static Server start(String name, ServerSettings settings, Consumer<ServerBuilder> configureServices,
                               AutoCloseable... resources) {
        ServerBuilder sb = Server.builder()
                                 .http(new java.net.InetSocketAddress(settings.host(), settings.port()))
                                 .gracefulShutdownTimeout(settings.gracefulQuietPeriod(),
                                                          settings.gracefulTimeout());
        configureServices.accept(sb);
        Server server = sb.build();
        List<AutoCloseable> toClose = new ArrayList<>(List.of(resources));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            logger.info("{} stopping", name);
            server.stop().join();
            for (AutoCloseable resource : toClose) {
                try {
                    resource.close();
                } catch (Exception e) {
                    logger.warn("{}: failed to close {}", name, resource, e);
                }
            }
            logger.info("{} stopped", name);
        }, name + "-shutdown"));
        server.start().join();
        logger.info("{} listening on {}:{} (gRPC, /docs, /metrics, /health)", name, settings.host(),
                    server.activeLocalPort());
        return server;
    }
}
