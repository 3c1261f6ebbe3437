package io.mediamesh.user;

import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.CreateVideoRequest;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetVideoRequest;
import io.mediamesh.api.v1.RegisterUserRequest;
import io.mediamesh.api.v1.UserServiceGrpc.UserServiceBlockingStub;
import io.mediamesh.api.v1.VideoServiceGrpc.VideoServiceBlockingStub;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.db.DatabaseAccounts;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.server.RunningService;
import io.mediamesh.common.testing.Await;
import io.mediamesh.common.testing.InJvmServices;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * user-svc on a database server of a test's own (a private mariadbd, or a Galera cluster), with
 * its own account and the deployment's pool timeouts, and clients that create videos and read
 * back ones they were told were created, recording what every call did. Shared by the tests that
 * take the database away under that load.
 */
final class VideoLoad implements AutoCloseable {
    /** What one call did, on the clock of System.nanoTime(). */
    record Outcome(long startedNanos, long elapsedNanos, Status.Code code, Optional<ErrorCode> reason) {}

    /** Opens an administrator's connection to the server (for the service's account). */
    @FunctionalInterface
    interface Admin {
        Connection connect() throws SQLException;
    }

    private final RunningService<UserSvc> userSvc;
    private final Duration deadline;
    private final String schema;
    private final VideoServiceBlockingStub videos;
    private final Queue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private ExecutorService clients;
    private final List<Future<?>> running = new ArrayList<>();

    private VideoLoad(RunningService<UserSvc> userSvc, Duration deadline, String schema,
                      VideoServiceBlockingStub videos) {
        this.userSvc = userSvc;
        this.deadline = deadline;
        this.schema = schema;
        this.videos = videos;
    }

    /** Makes user-svc's account through {@code admin}, then starts user-svc on {@code url}. */
    static VideoLoad startUserSvc(String url, Admin admin) throws Exception {
        UserSvcSettings defaults = UserSvcSettings.from(ConfigFactory.parseString(
                "mediamesh.user-svc.quotas.videos = 1000000").withFallback(ConfigFactory.parseMap(InJvmServices.SETTINGS))
                                                                             .withFallback(Configs.load(Map.of())));
        // The service's own account, as ./mediamesh up makes it, with the deployment's timeouts.
        DatabaseSettings settings = defaults.database().withUrl(url).withAccount(defaults.database().user(),
                                                                                  "load-test-password");
        try (Connection root = admin.connect()) {
            DatabaseAccounts.ensure(root, settings);
        }
        RunningService<UserSvc> userSvc = InJvmServices.closingTls(
                Identity.USER_SVC, tls -> UserSvc.run(defaults.withDatabase(settings), tls, Clock.systemUTC()));
        int port = userSvc.port();
        String session = TestMeshCa.grpc(port).responseTimeout(Duration.ofSeconds(10))
                                    .build(UserServiceBlockingStub.class)
                                    .registerUser(RegisterUserRequest.newBuilder().setUserName("loader")
                                                                     .setPassword("load-password").build())
                                    .getSession().getSessionId();
        VideoServiceBlockingStub videos = TestMeshCa.grpc(port).setHeader(Callers.SESSION_HEADER, session)
                                                     .responseTimeout(defaults.clientDeadline())
                                                     .build(VideoServiceBlockingStub.class);
        return new VideoLoad(userSvc, defaults.clientDeadline(), settings.schema(), videos);
    }

    /** The deadline of every call. */
    Duration deadline() {
        return deadline;
    }

    /** Starts {@code count} clients that create a video, then read a random acknowledged one, until stopped. */
    void startClients(int count) {
        stop.set(false);
        clients = Executors.newFixedThreadPool(count);
        for (int i = 0; i < count; i++) {
            String prefix = "c" + i + "-" + System.nanoTime() + "-";
            running.add(clients.submit(() -> {
                for (int n = 0; !stop.get(); n++) {
                    String name = prefix + n;
                    call(() -> acknowledged.add(videos.createVideo(
                            CreateVideoRequest.newBuilder().setUserName("loader").setName(name).build())
                                                      .getVideo().getId()));
                    List<Long> known = List.copyOf(acknowledged);
                    if (!known.isEmpty()) {
                        long id = known.get(ThreadLocalRandom.current().nextInt(known.size()));
                        call(() -> videos.getVideo(GetVideoRequest.newBuilder().setVideoId(id).build()));
                    }
                }
            }));
        }
    }

    /** Stops the clients and waits for their last calls. */
    void stopClients() throws Exception {
        stop.set(true);
        for (Future<?> client : running) {
            client.get(deadline.toMillis() * 2, TimeUnit.MILLISECONDS);
        }
        running.clear();
        clients.shutdown();
    }

    /** The ids of the videos whose creation was acknowledged so far. */
    int acknowledgedCount() {
        return acknowledged.size();
    }

    List<Long> acknowledged() {
        return List.copyOf(acknowledged);
    }

    List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** The ids of the videos stored in the service's schema, as {@code admin} sees them. */
    Set<Long> storedVideos(Admin admin) throws SQLException {
        Set<Long> stored = new HashSet<>();
        try (Connection root = admin.connect(); Statement statement = root.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id FROM `" + schema + "`.videos")) {
            while (rows.next()) {
                stored.add(rows.getLong(1));
            }
        }
        return stored;
    }

    /**
     * Waits, for at most a call's deadline, until no service thread is inside the driver or waiting for a
     * connection. One glance may catch background work (the housekeeping's purge) borrowing a connection as
     * usual; what must not be is a thread held past the bounds the pool sets below a call's deadline.
     */
    void awaitNoThreadWaitingOnTheDatabase() {
        Await.until("no service thread waits on the database", deadline,
                    () -> threadsWaitingOnTheDatabase().isEmpty(), () -> "waiting: " + threadsWaitingOnTheDatabase());
    }

    /** Threads other than the pool's own (named after it) inside the driver or waiting for a connection. */
    private List<String> threadsWaitingOnTheDatabase() {
        List<String> waiting = new ArrayList<>();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith(schema)) {
                return;
            }
            for (StackTraceElement frame : stack) {
                if (frame.getClassName().startsWith("org.mariadb.jdbc")
                    || frame.getClassName().startsWith("com.zaxxer.hikari.pool")) {
                    waiting.add(thread.getName() + " at " + frame);
                    return;
                }
            }
        });
        return waiting;
    }

    private void call(Runnable call) {
        long started = System.nanoTime();
        Status.Code code = Status.Code.OK;
        Optional<ErrorCode> reason = Optional.empty();
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            code = e.getStatus().getCode();
            reason = ErrorCatalog.reasonOf(e);
        }
        outcomes.add(new Outcome(started, System.nanoTime() - started, code, reason));
    }

    @Override
    public void close() {
        stop.set(true);
        if (clients != null) {
            clients.shutdownNow();
        }
        userSvc.close();
    }
}
