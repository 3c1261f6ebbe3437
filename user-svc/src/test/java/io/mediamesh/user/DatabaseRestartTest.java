package io.mediamesh.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClients;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * user-svc on a MariaDB of its own (not the shared one on 3306), killed with SIGKILL and started
 * again while clients write and read: the service recovers without a restart, every call is answered
 * before its deadline (so no thread of the service waited on the database longer than its caller),
 * failures are the database's own errors and only around the outage, and every write acknowledged
 * before, during or after the crash is in the database afterwards.
 */
class DatabaseRestartTest {
    private static final int CLIENTS = 4;
    private static final Duration LOAD_BEFORE_KILL = Duration.ofSeconds(2);
    private static final Duration LOAD_AFTER_RESTART = Duration.ofSeconds(6);
    /** Calls started this long after the restart must all succeed: the pool has replaced its connections. */
    private static final Duration RECOVERY = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    /** What one call did, on the clock of System.nanoTime(). */
    private record Outcome(long startedNanos, long elapsedNanos, Status.Code code, Optional<ErrorCode> reason) {}

    @Test
    void aKilledAndRestartedDatabaseCostsOnlyTheCallsAroundTheOutage() throws Exception {
        UserSvcSettings defaults = UserSvcSettings.from(ConfigFactory.parseString(
                "mediamesh.user-svc.quotas.videos = 1000000").withFallback(Configs.load(Map.of())));
        Duration deadline = defaults.clientDeadline();
        // Longer than a call's deadline: a service that waited for the database to come back would
        // answer its callers too late.
        Duration outage = deadline.plusSeconds(1);
        try (PrivateMariaDb mariadb = PrivateMariaDb.start(dir.resolve("mariadb"))) {
            // The service's own account, as ./mediamesh up makes it, with the deployment's timeouts.
            DatabaseSettings own = defaults.database();
            DatabaseSettings database = new DatabaseSettings(mariadb.url(), own.user(), "restart-test-password",
                                                             own.schema(), own.maxPoolSize(),
                                                             own.connectionTimeout(), own.queryTimeout());
            try (Connection root = mariadb.root()) {
                DatabaseAccounts.ensure(root, database);
            }
            UserSvcSettings settings = defaults.withDatabase(database);
            try (Database db = Database.open(database, UserSvc.MIGRATIONS);
                 UserSvc userSvc = new UserSvc(db, settings, Clock.systemUTC(), ClientFactory.ofDefault())) {
                ServerBuilder sb = Server.builder().http(0);
                userSvc.configureServices(sb);
                Server server = sb.build();
                server.start().join();
                try {
                    runLoadThroughACrash(mariadb, server.activeLocalPort(), deadline, outage, database.schema());
                } finally {
                    server.stop().join();
                }
            }
        }
    }

    private void runLoadThroughACrash(PrivateMariaDb mariadb, int port, Duration deadline, Duration outage,
                                      String schema) throws Exception {
        String session = GrpcClients.builder("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(10))
                                    .build(UserServiceBlockingStub.class)
                                    .registerUser(RegisterUserRequest.newBuilder().setUserName("restarter")
                                                                     .setPassword("restart-password").build())
                                    .getSession().getSessionId();
        VideoServiceBlockingStub videos = GrpcClients.builder("http://127.0.0.1:" + port)
                                                     .setHeader(Callers.SESSION_HEADER, session)
                                                     .responseTimeout(deadline)
                                                     .build(VideoServiceBlockingStub.class);
        Queue<Long> acknowledged = new ConcurrentLinkedQueue<>();
        Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            int client = i;
            running.add(clients.submit(() -> {
                for (int n = 0; !stop.get(); n++) {
                    String name = "c" + client + "-" + n;
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
        Thread.sleep(LOAD_BEFORE_KILL.toMillis());
        int acknowledgedBeforeKill = acknowledged.size();
        mariadb.kill();
        long killed = System.nanoTime();
        Thread.sleep(outage.toMillis());
        mariadb.restart();
        long restarted = System.nanoTime();
        Thread.sleep(LOAD_AFTER_RESTART.toMillis());
        stop.set(true);
        for (Future<?> client : running) {
            client.get(deadline.toMillis() * 2, TimeUnit.MILLISECONDS);
        }
        clients.shutdown();

        assertThat(acknowledgedBeforeKill).as("writes acknowledged before the crash").isPositive();
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
        long down = killed + deadline.toNanos();
        assertThat(all).filteredOn(o -> o.startedNanos() > killed && o.startedNanos() < down)
                       .as("calls while the database is down fail fast rather than wait for it")
                       .isNotEmpty()
                       .anySatisfy(o -> assertThat(o.code()).isEqualTo(Status.Code.UNAVAILABLE));
        long recovered = restarted + RECOVERY.toNanos();
        List<Outcome> late = all.stream().filter(o -> o.startedNanos() > recovered).toList();
        assertThat(late).as("calls once the database is back").hasSizeGreaterThan(10)
                        .allSatisfy(o -> assertThat(o.code()).isEqualTo(Status.Code.OK));
        assertThat(acknowledged.size()).as("writes acknowledged after the restart")
                                       .isGreaterThan(acknowledgedBeforeKill);

        Set<Long> stored = new HashSet<>();
        try (Connection root = mariadb.root(); Statement statement = root.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id FROM `" + schema + "`.videos")) {
            while (rows.next()) {
                stored.add(rows.getLong(1));
            }
        }
        assertThat(stored).as("every acknowledged write survived the crash").containsAll(acknowledged);
        assertThat(threadsWaitingOnTheDatabase(schema)).as("service threads still waiting on the database").isEmpty();
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
    private static List<String> threadsWaitingOnTheDatabase(String poolName) {
        List<String> waiting = new ArrayList<>();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith(poolName)) {
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
