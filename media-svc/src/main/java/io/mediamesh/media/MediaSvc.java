package io.mediamesh.media;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.server.ServerBuilder;
import io.mediamesh.api.v1.SessionServiceGrpc.SessionServiceBlockingStub;
import io.mediamesh.api.v1.VideoServiceGrpc.VideoServiceBlockingStub;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.auth.RemoteSessionValidator;
import io.mediamesh.common.client.GrpcClientFactory;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.media.file.VideoFileGrpcService;
import io.mediamesh.media.file.VideoFileStore;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * media-svc wired by hand: video files (VideoFileService) under the configured folder; media rooms
 * and live streams on Janus come with their own issue. Sessions are validated by user-svc.
 */
public final class MediaSvc {
    private static final Logger logger = LoggerFactory.getLogger(MediaSvc.class);
    private static final long SESSION_CACHE_MAX_ENTRIES = 10_000;
    private static final int HTTP2_MAX_FRAME = 2 * 1024 * 1024;
    private static final int HTTP2_CONNECTION_WINDOW = 64 * 1024 * 1024;

    private final MediaSvcSettings settings;
    private final VideoFileStore store;
    private final List<io.grpc.BindableService> grpcServices;

    public MediaSvc(MediaSvcSettings settings, ClientFactory clientFactory, Clock clock) {
        this.settings = settings;
        GrpcClientFactory clients = new GrpcClientFactory(clientFactory, settings.deadline());
        String userSvc = settings.endpoints().userSvc();
        Callers callers = new Callers(
                new RemoteSessionValidator(clients.newStub(userSvc, SessionServiceBlockingStub.class),
                                           settings.sessionCacheTtl(), SESSION_CACHE_MAX_ENTRIES),
                settings.serviceToken());
        this.store = new VideoFileStore(settings.files().root(), clock);
        this.grpcServices = List.of(new VideoFileGrpcService(
                store, callers, clients.newStub(userSvc, VideoServiceBlockingStub.class), settings.files()));
    }

    /** Adds media-svc's gRPC services and the shared endpoints to {@code sb}; tests reuse it. */
    public void configureServices(ServerBuilder sb) {
        // File chunks (up to 1 MiB) travel in one HTTP/2 frame each; several uploads share a
        // connection from the gateway, so its window has room for many streams' windows.
        sb.http2MaxFrameSize(HTTP2_MAX_FRAME)
          .http2InitialConnectionWindowSize(HTTP2_CONNECTION_WINDOW);
        ServiceServer.configure(sb, ServiceServer.grpcService(grpcServices));
    }

    /** Removes what an earlier process left mid-upload (see {@link VideoFileStore#sweep}). */
    public void sweepLeftovers() {
        int removed = store.sweep(settings.files().sweepOlderThan());
        if (removed > 0) {
            logger.info("Removed {} leftover files from {}", removed, store.root());
        }
    }
}
