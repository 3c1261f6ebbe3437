package io.mediamesh.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.testing.PrivateMariaDb;
import io.mediamesh.user.VideoLoad.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    private static final Duration LOAD_AFTER = Duration.ofSeconds(9);
    /**
     * Calls started this long after the database is back must all succeed: the pool retries opening
     * connections with a backoff that doubles up to 5 s (HikariCP's), so after an outage of seconds
     * its next try may come up to 5 s after the database is back.
     */
    private static final Duration RECOVERY = Duration.ofSeconds(6);

    @TempDir
    static Path dir;

    private static PrivateMariaDb mariadb;
    private static VideoLoad load;

    /** Takes the database away, or gives it back. */
    private interface Step {
        void run() throws Exception;
    }

    @BeforeAll
    static void startUserSvcOnItsOwnDatabase() throws Exception {
        mariadb = PrivateMariaDb.start(dir.resolve("mariadb"));
        load = VideoLoad.startUserSvc(mariadb.url(), mariadb::root);
    }

    @AfterAll
    static void stop() throws Exception {
        if (load != null) {
            load.close();
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
        Duration deadline = load.deadline();
        int acknowledgedAtStart = load.acknowledgedCount();
        int outcomesAtStart = load.outcomes().size();
        load.startClients(CLIENTS);
        Thread.sleep(LOAD_BEFORE.toMillis());
        int acknowledgedBefore = load.acknowledgedCount();
        takeAway.run();
        long began = System.nanoTime();
        // Longer than a call's deadline: a service that waited for the database to come back would
        // answer its callers too late.
        Thread.sleep(deadline.plusSeconds(1).toMillis());
        giveBack.run();
        long ended = System.nanoTime();
        Thread.sleep(LOAD_AFTER.toMillis());
        load.stopClients();

        assertThat(acknowledgedBefore).as("writes acknowledged before the outage").isGreaterThan(acknowledgedAtStart);
        List<Outcome> all = load.outcomes().subList(outcomesAtStart, load.outcomes().size());
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
        assertThat(load.acknowledgedCount()).as("writes acknowledged after the outage").isGreaterThan(acknowledgedBefore);
        assertThat(load.storedVideos(mariadb::root)).as("every acknowledged write is in the database")
                                                    .containsAll(load.acknowledged());
        load.awaitNoThreadWaitingOnTheDatabase();
    }
}
