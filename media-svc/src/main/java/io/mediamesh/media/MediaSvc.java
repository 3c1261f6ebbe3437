package io.mediamesh.media;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.common.prometheus.PrometheusMeterRegistries;
import com.linecorp.armeria.common.util.ThreadFactories;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServerListener;
import io.mediamesh.api.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.mediamesh.api.v1.MediaServerServiceGrpc.MediaServerServiceBlockingStub;
import io.mediamesh.api.v1.QuotaServiceGrpc.QuotaServiceBlockingStub;
import io.mediamesh.api.v1.SessionServiceGrpc.SessionServiceBlockingStub;
import io.mediamesh.api.v1.VideoServiceGrpc.VideoServiceBlockingStub;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.auth.RemoteSessionValidator;
import io.mediamesh.common.auth.SessionValidator;
import io.mediamesh.common.client.GrpcClientFactory;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.server.BackgroundWork;
import io.mediamesh.common.server.RunningService;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.media.file.FileSettings;
import io.mediamesh.media.file.VideoFileGrpcService;
import io.mediamesh.media.file.VideoFileStore;
import io.mediamesh.media.file.VideoRecords;
import io.mediamesh.media.fileserver.FileServer;
import io.mediamesh.media.fileserver.TransferLimits;
import io.mediamesh.media.janus.MediaServers;
import io.mediamesh.media.playback.Playback;
import io.mediamesh.media.quota.MediaQuotas;
import io.mediamesh.media.quota.MediaUsageGrpcService;
import io.mediamesh.media.room.ConversionRepository;
import io.mediamesh.media.room.JanusEventsBackend;
import io.mediamesh.media.room.ParticipantGuard;
import io.mediamesh.media.room.RecordingConversions;
import io.mediamesh.media.room.RoomReconciler;
import io.mediamesh.media.room.RoomRecordings;
import io.mediamesh.media.room.RoomRepository;
import io.mediamesh.media.room.RoomSettings;
import io.mediamesh.media.room.Rooms;
import io.mediamesh.media.room.TextRoomGrpcService;
import io.mediamesh.media.room.TextRoomPostBackend;
import io.mediamesh.media.room.TurnRelays;
import io.mediamesh.media.room.VideoRoomGrpcService;
import io.mediamesh.media.stream.LiveStreams;
import io.mediamesh.media.stream.StreamGrpcService;
import io.mediamesh.media.stream.StreamRepository;
import io.mediamesh.media.upload.PlainUploads;
import io.mediamesh.media.upload.ResumableUploads;
import io.mediamesh.media.upload.UploadAuthority;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * media-svc wired by hand: video files under the configured folder (VideoFileService over gRPC, and
 * the HTTP file server for playback and uploads), and media rooms on the Janus servers of
 * config-svc's registry, kept in media-svc's schema. Sessions are validated by user-svc.
 */
public final class MediaSvc implements AutoCloseable {
    /** Flyway location of media-svc's migrations (also the source of its jOOQ classes). */
    public static final String MIGRATIONS = "db/migration/media";

    private static final Logger logger = LoggerFactory.getLogger(MediaSvc.class);
    private static final long SESSION_CACHE_MAX_ENTRIES = 10_000;
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);
    private static final int HTTP2_MAX_FRAME = 2 * 1024 * 1024;
    private static final int HTTP2_CONNECTION_WINDOW = 64 * 1024 * 1024;

    private final MediaSvcSettings settings;
    private final PrometheusMeterRegistry registry = PrometheusMeterRegistries.newRegistry();
    private final VideoFileStore store;
    private final FileServer fileServer;
    private final ResumableUploads resumableUploads;
    private final ScheduledExecutorService housekeeping;
    private final List<io.grpc.BindableService> grpcServices;
    private final TextRoomPostBackend postBackend;
    private final JanusEventsBackend eventsBackend;
    private final LiveStreams streams;
    private final RoomReconciler roomReconciler;
    private final RecordingConversions conversions;
    private final GrpcClientFactory clients;

    public MediaSvc(Database database, MediaSvcSettings settings, MeshTls tls, Clock clock) {
        this.settings = settings;
        // The database keeps microseconds: hand out no instant it cannot store.
        Clock dbClock = Clock.tick(clock, Duration.ofNanos(1000));
        this.clients = new GrpcClientFactory(tls, settings.deadline());
        // Janus and nginx are outside the mesh: their connections trust what the JVM trusts, not the mesh's CA.
        ClientFactory clientFactory = ClientFactory.ofDefault();
        String userSvc = settings.endpoints().userSvc();
        SessionValidator sessions = new RemoteSessionValidator(
                clients.newStub(userSvc, SessionServiceBlockingStub.class), settings.sessionCacheTtl(),
                SESSION_CACHE_MAX_ENTRIES);
        Callers callers = new Callers(sessions, tls, Set.of(Identity.GATEWAY, Identity.OPERATOR));
        this.store = new VideoFileStore(settings.files().root(), clock);
        VideoRecords videos = new VideoRecords(clients.newStub(userSvc, VideoServiceBlockingStub.class));
        MediaQuotas quotas = new MediaQuotas(clients.newStub(userSvc, QuotaServiceBlockingStub.class));
        UploadAuthority uploads = new UploadAuthority(sessions, videos, quotas);
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(
                ThreadFactories.newThreadFactory("media-svc-housekeeping", true));
        RoomSettings roomSettings = settings.rooms();
        String configSvc = settings.endpoints().configSvc();
        MediaServers servers = new MediaServers(
                clients.newStub(configSvc, MediaServerServiceBlockingStub.class),
                clients.newStub(configSvc, ConfigServiceBlockingStub.class),
                clientFactory, roomSettings.janusDeadline(), roomSettings.serverCacheTtl(),
                roomSettings.keepaliveInterval(), housekeeping);
        RoomRepository roomRepository = new RoomRepository(database.dsl());
        StreamRepository streamRepository = new StreamRepository(database.dsl());
        ToLongFunction<Long> serverLoad = id -> roomRepository.countOnServer(id) + streamRepository.tiersOnServer(id);
        ConversionRepository conversionRepository = new ConversionRepository(database.dsl());
        RoomRecordings recordings = new RoomRecordings(servers, conversionRepository,
                                                       clientFactory, roomSettings.janusDeadline(),
                                                       roomSettings.recordingLinkTtl(), clock);
        this.conversions = new RecordingConversions(conversionRepository, recordings, videos,
                                                    store, roomSettings.conversion(), settings.files().maxSize(),
                                                    dbClock);
        Rooms rooms = new Rooms(roomRepository, servers, callers, dbClock, roomSettings.postBaseUrl(), serverLoad,
                                quotas, conversions::wake);
        Executor blocking = CommonPools.blockingTaskExecutor();
        this.streams = new LiveStreams(streamRepository, servers, callers, dbClock, serverLoad,
                                       settings.streams().changeLease(), quotas, blocking);
        this.roomReconciler = new RoomReconciler(rooms, servers);
        this.postBackend = new TextRoomPostBackend(roomRepository, dbClock);
        FileSettings files = settings.files();
        TransferLimits limits = new TransferLimits(settings.fileServer(), registry);
        this.resumableUploads = new ResumableUploads(store, uploads, database.dsl(), limits, blocking, files.maxSize(),
                                                     files.resumableExpireAfter(), dbClock);
        this.fileServer = new FileServer(settings.fileServer(), List.of(
                new Playback(store, videos, limits, blocking, settings.fileServer().cacheControl()),
                new PlainUploads(store, uploads, limits, blocking, files),
                resumableUploads), registry);
        this.eventsBackend = new JanusEventsBackend(servers, new ParticipantGuard(rooms));
        this.grpcServices = List.of(new VideoFileGrpcService(store, callers, uploads, files),
                                    new VideoRoomGrpcService(rooms, recordings, new TurnRelays(
                                            servers, roomSettings.turnCredentialTtl(), clock), callers),
                                    new TextRoomGrpcService(rooms, callers),
                                    new StreamGrpcService(streams, callers),
                                    new MediaUsageGrpcService(rooms, streams, callers));
    }

    /**
     * What media-svc serves in plain HTTP besides /health: the web hooks the Janus servers post to
     * (text room messages, events), each checked by a per-room or per-server token in its path.
     */
    public static final List<String> PLAIN_PATHS = List.of(TextRoomPostBackend.PATH_PREFIX, "/janus/events/");

    /**
     * media-svc serving as {@code settings} say, on its schema (migrated first), its file server with it.
     * With {@link BackgroundWork#RUN}, first removes what an earlier process left mid-upload, then starts
     * reconciling the Janus servers, sweeping expired uploads and converting recordings. What Main runs,
     * and what tests start in their JVM.
     */
    public static RunningService<MediaSvc> run(MediaSvcSettings settings, MeshTls tls, Clock clock,
                                               BackgroundWork backgroundWork) {
        return RunningService.onSchema(settings.database(), MIGRATIONS, database -> {
            MediaSvc mediaSvc = new MediaSvc(database, settings, tls, clock);
            if (backgroundWork == BackgroundWork.RUN) {
                mediaSvc.sweepLeftovers();
                mediaSvc.startReconciling();
                mediaSvc.startSweepingUploads();
                mediaSvc.startConverting();
            }
            Server server = ServiceServer.serve("media-svc", settings.server(), tls, ServiceServer.MESH_CALLERS,
                                                PLAIN_PATHS, mediaSvc::configureServices);
            return RunningService.of("media-svc", mediaSvc, database, server);
        });
    }

    /**
     * Adds media-svc's gRPC services, the text rooms' post backend, the Janus events backend and the
     * shared endpoints to {@code sb}; the file server starts and stops with the server built from it.
     */
    public void configureServices(ServerBuilder sb) {
        // File chunks (up to 1 MiB) travel in one HTTP/2 frame each; several uploads share a
        // connection from the gateway, so its window has room for many streams' windows.
        sb.http2MaxFrameSize(HTTP2_MAX_FRAME)
          .http2InitialConnectionWindowSize(HTTP2_CONNECTION_WINDOW);
        ServiceServer.configure(sb, ServiceServer.grpcService(grpcServices), registry);
        sb.annotatedService(postBackend);
        sb.annotatedService(eventsBackend);
        sb.serverListener(ServerListener.builder().whenStarting(server -> fileServer.start())
                                        .whenStopped(server -> fileServer.close()).build());
    }

    /** The file server's port, once started (with the server {@link #configureServices} built). */
    public int fileServerPort() {
        return fileServer.port();
    }

    /** Removes the resumable uploads that expired; also done every sweep interval with {@link BackgroundWork#RUN}. */
    public int sweepExpiredUploads() {
        return resumableUploads.sweepExpired();
    }

    private void startSweepingUploads() {
        long interval = settings.files().resumableSweepInterval().toMillis();
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                int removed = sweepExpiredUploads();
                if (removed > 0) {
                    logger.info("Removed {} expired resumable uploads", removed);
                }
            } catch (RuntimeException e) {
                logger.warn("Removing expired resumable uploads failed; retried next interval", e);
            }
        }, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** Removes what an earlier process left mid-upload (see {@link VideoFileStore#sweep}). */
    private void sweepLeftovers() {
        int removed = store.sweep(settings.files().sweepOlderThan());
        if (removed > 0) {
            logger.info("Removed {} leftover files from {}", removed, store.root());
        }
    }

    /**
     * Starts bringing each Janus in line with the stored streams and rooms: a first pass now, then
     * one per interval, on the housekeeping thread (never an event loop).
     */
    private void startReconciling() {
        long interval = settings.streams().reconcileInterval().toMillis();
        if (interval > 0) {
            housekeeping.scheduleWithFixedDelay(this::reconcileStreams, 0, interval, TimeUnit.MILLISECONDS);
        }
        roomReconciler.start(housekeeping, settings.rooms().reconcileInterval());
    }

    /** Starts converting ended room recordings into videos (jobs left by an earlier process included). */
    private void startConverting() {
        conversions.start();
    }

    private void reconcileStreams() {
        try {
            streams.reconcile();
        } catch (RuntimeException e) {
            logger.warn("Stream reconciliation failed; retried next interval", e);
        }
    }

    /** Lets a reconcile pass that is running finish its stream, so no change lock is left held. */
    @Override
    public void close() {
        conversions.close();
        clients.close();
        streams.stopReconciling();
        housekeeping.shutdown();
        try {
            if (!housekeeping.awaitTermination(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                logger.warn("The housekeeping thread did not stop within {}", SHUTDOWN_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
