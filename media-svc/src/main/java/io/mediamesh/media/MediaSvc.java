package io.mediamesh.media;

import com.linecorp.armeria.server.ServerBuilder;
import io.mediamesh.common.server.ServiceServer;
import java.util.List;

/**
 * media-svc: video files, media rooms and live streams on Janus. Its RPCs (see proto/mediamesh/v1) are added by their own issues; until then
 * it serves what every service serves: health, reflection, /docs and /metrics.
 */
public final class MediaSvc {
    /** Adds media-svc's gRPC services and the shared endpoints to {@code sb}; tests reuse it. */
    public void configureServices(ServerBuilder sb) {
        ServiceServer.configure(sb, ServiceServer.grpcService(List.of()));
    }
}
