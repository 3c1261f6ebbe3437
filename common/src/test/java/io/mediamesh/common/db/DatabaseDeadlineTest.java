package io.mediamesh.common.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.Server;
import io.mediamesh.common.testing.TestDatabase;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Database work done for a served call stops before the caller's deadline, even when each of its
 * statements alone stays well inside the pool's timeouts: the real MariaDB answers three
 * {@code SELECT SLEEP(0.4)} in turn (1.2 s) for a call whose deadline is 1 s.
 */
class DatabaseDeadlineTest {
    private static final int STATEMENTS = 3;
    private static final String SLOW_STATEMENT = "SELECT SLEEP(0.4)";

    @RegisterExtension
    @Order(1)
    static final TestDatabase db = new TestDatabase();

    private static Database database;
    private static Server server;
    private static WebClient client;

    @BeforeAll
    static void start() {
        database = Database.open(db.settings(), "db/migration/none");
        server = Server.builder()
                       .http(0)
                       .service("/slow/{timeoutMillis}", (ctx, req) -> {
                           ctx.setRequestTimeout(Duration.ofMillis(Long.parseLong(ctx.pathParam("timeoutMillis"))));
                           return HttpResponse.of(CompletableFuture.supplyAsync(
                                   () -> HttpResponse.of(runSlowStatements()), ctx.blockingTaskExecutor()));
                       })
                       .build();
        server.start().join();
        client = WebClient.builder("http://127.0.0.1:" + server.activeLocalPort())
                          .responseTimeout(Duration.ofSeconds(10))
                          .build();
        // A first call opens the client's connection and the server's blocking threads, so that
        // the timed calls measure the database work.
        client.get("/slow/2500").aggregate().join();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop().join();
        }
        if (database != null) {
            database.close();
        }
    }

    /** Runs the slow statements one after the other; says how many completed and how it ended. */
    private static String runSlowStatements() {
        int completed = 0;
        try {
            for (; completed < STATEMENTS; completed++) {
                database.dsl().fetchValue(SLOW_STATEMENT);
            }
            return completed + " completed";
        } catch (RuntimeException e) {
            return completed + " completed, then " + (lostTheDatabase(e) ? "unavailable" : "failed: " + e);
        }
    }

    /** What the services report as "unavailable, try again" (GrpcErrors): a connection-class failure. */
    private static boolean lostTheDatabase(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                || t instanceof SQLRecoverableException) {
                return true;
            }
        }
        return false;
    }

    @Test
    void statementsThatAddUpPastTheDeadlineStopInTime() {
        long started = System.nanoTime();
        AggregatedHttpResponse response = client.get("/slow/1000").aggregate().join();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.contentUtf8()).isEqualTo("2 completed, then unavailable");
        assertThat(elapsed).as("answered before the 1 s deadline").isLessThan(Duration.ofMillis(1000));
    }

    @Test
    void aCallWithNoTimeLeftFailsWithoutWaitingForAConnection() {
        long started = System.nanoTime();
        // 300 ms less the answer's margin leaves less than a borrow may take (its liveness check).
        AggregatedHttpResponse response = client.get("/slow/300").aggregate().join();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.contentUtf8()).isEqualTo("0 completed, then unavailable");
        assertThat(elapsed).isLessThan(Duration.ofMillis(300));
    }

    @Test
    void workOutsideACallHasThePoolTimeoutsAlone() {
        assertThat(runSlowStatements()).isEqualTo(STATEMENTS + " completed");
    }

    @Test
    void aCallWithTimeEnoughRunsEveryStatement() {
        assertThat(client.get("/slow/2500").aggregate().join().contentUtf8()).isEqualTo(STATEMENTS + " completed");
    }
}
