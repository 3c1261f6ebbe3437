package io.mediamesh.config;

import com.linecorp.armeria.server.ServerBuilder;
import io.mediamesh.common.server.ServiceServer;
import java.util.List;

/**
 * config-svc: the media-server registry, config revisions and config push. Its RPCs (see proto/mediamesh/v1) are added by their own issues; until then
 * it serves what every service serves: health, reflection, /docs and /metrics.
 */
public final class ConfigSvc {
    /** Adds config-svc's gRPC services and the shared endpoints to {@code sb}; tests reuse it. */
    public void configureServices(ServerBuilder sb) {
        ServiceServer.configure(sb, ServiceServer.grpcService(List.of()));
    }
}
