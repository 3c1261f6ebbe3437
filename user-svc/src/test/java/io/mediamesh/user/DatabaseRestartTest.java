package io.mediamesh.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
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
import io.mediamesh.common.db.Database;
import io.mediamesh.common.db.DatabaseAccounts;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.testing.PrivateMariaDb;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * user-svc on a MariaDB of its own (not the shared one on 3306), with its own account and the
 * deployment's pool timeouts, while clients write and read: the database is killed with SIGKILL and
 * started again, or frozen with SIGSTOP (connections stay open, nothing answers), each time for longer
 * than a call's deadline. The service recovers without a restart, every call is answered before its
 * deadline (so no thread of the service waited on the database longer than its caller), failures say
 * the service is unavailable and happen only around the outage, and every write acknowledged before,
 * during or after it is in the database afterwards.
 */
class DatabaseRestartTest {
    private static final int CLIENTS = 4;
    private static final Duration LOAD_BEFORE = Duration.ofSeconds(2);
    private static final Duration LOAD_AFTER = Duration.ofSeconds(5);
    /** Calls started this long after the database is back must all succeed. */
    private static final Duration RECOVERY = Duration.ofSeconds(2);

    @TempDir
    static Path dir;

    private static PrivateMariaDb mariadb;
    private static Database database;
    private static UserSvc userSvc;
    private static MeshTls tls;
    private static Server server;
    private static Duration deadline;
    private static String schema;
    private static VideoServiceBlockingStub videos;

    /** What one call did, on the clock of System.nanoTime(). */
    private record Outcome(long startedNanos, long elapsedNanos, Status.Code code, Optional<ErrorCode> reason) {}

    /** Takes the database away, or gives it back. */
    private interface Step {
        void run() throws Exception;
    }

    @BeforeAll
    static void startUserSvcOnItsOwnDatabase() throws Exception {
        UserSvcSettings defaults = UserSvcSettings.from(ConfigFactory.parseString(
                "mediamesh.user-svc.quotas.videos = 1000000").withFallback(Configs.load(Map.of())));
        deadline = defaults.clientDeadline();
        mariadb = PrivateMariaDb.start(dir.resolve("mariadb"));
        // The service's own account, as ./mediamesh up makes it, with the deployment's timeouts.
        DatabaseSettings own = defaults.database();
        DatabaseSettings settings = new DatabaseSettings(mariadb.url(), own.user(), "restart-test-password",
                                                         own.schema(), own.maxPoolSize(), own.connectionTimeout(),
                                                         own.queryTimeout());
        schema = settings.schema();
        try (Connection root = mariadb.root()) {
            DatabaseAccounts.ensure(root, settings);
        }
        database = Database.open(settings, UserSvc.MIGRATIONS);
        tls = TestMeshCa.tls(Identity.USER_SVC);
        userSvc = new UserSvc(database, defaults.withDatabase(settings), Clock.systemUTC(), tls);
        ServerBuilder sb = TestMeshCa.listen(Server.builder(), tls, 0, List.of());
        userSvc.configureServices(sb);
        server = sb.build();
        server.start().join();
        int port = server.activeLocalPort();
        String session = TestMeshCa.grpc(port).responseTimeout(Duration.ofSeconds(10))
                                    .build(UserServiceBlockingStub.class)
                                    .registerUser(RegisterUserRequest.newBuilder().setUserName("restarter")
                                                                     .setPassword("restart-password").build())
                                    .getSession().getSessionId();
        videos = TestMeshCa.grpc(port).setHeader(Callers.SESSION_HEADER, session).responseTimeout(deadline)
                            .build(VideoServiceBlockingStub.class);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop().join();
        }
        if (userSvc != null) {
            userSvc.close();
            tls.close();
        }
        if (database != null) {
            database.close();
        }
        if (mariadb != null) {
            mariadb.close();
        }
    }

    @Test
    void aKilledAndRestartedDatabaseCostsOnlyTheCallsAroundTheOutage() throws Exception {
        survive(mariadb::kill, mariadb::restart);
    }

    @Test
    void aFrozenDatabaseHoldsNoThreadPastItsCallersDeadline() throws Exception {
        survive(mariadb::freeze, mariadb::thaw);
    }

    private static void survive(Step takeAway, Step giveBack) throws Exception {
        Queue<Long> acknowledged = new ConcurrentLinkedQueue<>();
        Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            String prefix = "c" + i + "-" + System.nanoTime() + "-";
            running.add(clients.submit(() -> {
                for (int n = 0; !stop.get(); n++) {
                    String name = prefix + n;
                    call(outcomes, () -> acknowledged.add(videos.createVideo(
                            CreateVideoRequest.newBuilder().setUserName("restarter").setName(name).build())
                                                                .getVideo().getId()));
                    List<Long> known = List.copyOf(acknowledged);
                    if (!known.isEmpty()) {
                        long id = known.get(ThreadLocalRandom.current().nextInt(known.size()));
                        call(outcomes, () -> videos.getVideo(GetVideoRequest.newBuilder().setVideoId(id).build()));
                    }
                }
            }));
        }
        Thread.sleep(LOAD_BEFORE.toMillis());
        int acknowledgedBefore = acknowledged.size();
        takeAway.run();
        long began = System.nanoTime();
        // Longer than a call's deadline: a service that waited for the database to come back would
        // answer its callers too late.
        Thread.sleep(deadline.plusSeconds(1).toMillis());
        giveBack.run();
        long ended = System.nanoTime();
        Thread.sleep(LOAD_AFTER.toMillis());
        stop.set(true);
        for (Future<?> client : running) {
            client.get(deadline.toMillis() * 2, TimeUnit.MILLISECONDS);
        }
        clients.shutdown();

        assertThat(acknowledgedBefore).as("writes acknowledged before the outage").isPositive();
        List<Outcome> all = List.copyOf(outcomes);
        assertThat(all).as("calls answered at or past their deadline (%s)", deadline)
                       .filteredOn(o -> o.code() == Status.Code.DEADLINE_EXCEEDED
                                        || o.elapsedNanos() >= deadline.toNanos())
                       .isEmpty();
        assertThat(all).filteredOn(o -> o.code() != Status.Code.OK)
                       .as("failures: the service is unavailable (a retry may succeed)")
                       .allSatisfy(o -> {
                           assertThat(o.code()).isEqualTo(Status.Code.UNAVAILABLE);
                           assertThat(o.reason()).contains(ErrorCode.SERVICE_UNAVAILABLE);
                       });
        assertThat(all).filteredOn(o -> o.startedNanos() > began && o.startedNanos() < ended)
                       .as("calls while the database is away fail rather than wait for it")
                       .anySatisfy(o -> assertThat(o.code()).isEqualTo(Status.Code.UNAVAILABLE));
        long recovered = ended + RECOVERY.toNanos();
        assertThat(all).filteredOn(o -> o.startedNanos() > recovered)
                       .as("calls once the database is back")
                       .hasSizeGreaterThan(10)
                       .allSatisfy(o -> assertThat(o.code()).isEqualTo(Status.Code.OK));
        assertThat(acknowledged.size()).as("writes acknowledged after the outage").isGreaterThan(acknowledgedBefore);

        Set<Long> stored = new HashSet<>();
        try (Connection root = mariadb.root(); Statement statement = root.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id FROM `" + schema + "`.videos")) {
            while (rows.next()) {
                stored.add(rows.getLong(1));
            }
        }
        assertThat(stored).as("every acknowledged write is in the database").containsAll(acknowledged);
        assertThat(threadsWaitingOnTheDatabase()).as("service threads still waiting on the database").isEmpty();
    }

    private static void call(Queue<Outcome> outcomes, Runnable call) {
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

    /** Threads other than the pool's own (named after it) inside the driver or waiting for a connection. */
    private static List<String> threadsWaitingOnTheDatabase() {
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
}
