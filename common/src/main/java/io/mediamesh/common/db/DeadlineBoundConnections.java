package io.mediamesh.common.db;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import org.jooq.ConnectionProvider;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.exception.DataAccessException;

/**
 * jOOQ's connections from the pool, used within the time the call being served has left
 * ({@link CallDeadline}): borrowing one waits no longer than that, and every statement's answer is
 * awaited no longer than that either (the connection's network timeout, set per statement). The
 * pool's own timeouts bound each wait too. So a call that makes several round trips to a slow or
 * silent database fails with "unavailable" before its caller's deadline, instead of answering
 * after the caller gave up while its thread still waits. Work outside a served call (background
 * jobs) keeps the pool's timeouts alone.
 */
final class DeadlineBoundConnections implements ConnectionProvider, ExecuteListener {
    /** Less than this left is no time to do anything on the database. */
    private static final long SHORTEST_USEFUL_NANOS = Duration.ofMillis(20).toNanos();
    /** The driver applies a network timeout by itself; it never calls the executor. */
    private static final Executor DRIVER_APPLIES_IT = Runnable::run;

    private final HikariPool pool;
    private final long connectionTimeoutMs;
    private final long queryTimeoutMs;
    /** A borrowed idle connection is checked first, which may take this long beyond the borrow. */
    private final long validationTimeoutMs;

    DeadlineBoundConnections(HikariPool pool, Duration connectionTimeout, Duration queryTimeout,
                             long validationTimeoutMs) {
        this.pool = pool;
        this.connectionTimeoutMs = connectionTimeout.toMillis();
        this.queryTimeoutMs = queryTimeout.toMillis();
        this.validationTimeoutMs = validationTimeoutMs;
    }

    @Override
    public Connection acquire() {
        OptionalLong left = CallDeadline.remainingNanos();
        try {
            if (left.isEmpty()) {
                return pool.getConnection(connectionTimeoutMs);
            }
            long borrowMs = Math.min(connectionTimeoutMs, NANOSECONDS.toMillis(left.getAsLong()) - validationTimeoutMs);
            if (borrowMs <= 0) {
                throw outOfTime();
            }
            Connection connection = pool.getConnection(borrowMs);
            try {
                boundAnswers(connection);
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
            return connection;
        } catch (SQLException e) {
            throw new DataAccessException("Could not get a database connection: " + e.getMessage(), e);
        }
    }

    @Override
    public void release(Connection connection) {
        try {
            // Back to the pool, which resets the network timeout.
            connection.close();
        } catch (SQLException e) {
            throw new DataAccessException("Could not return a database connection", e);
        }
    }

    @Override
    public void executeStart(ExecuteContext ctx) {
        try {
            boundAnswers(ctx.connection());
        } catch (SQLException e) {
            throw new DataAccessException("Could not bound the statement's wait: " + e.getMessage(), e);
        }
    }

    /** Sets how long the connection waits for the server's answers: what the call has left, at most the query timeout. */
    private void boundAnswers(Connection connection) throws SQLException {
        OptionalLong left = CallDeadline.remainingNanos();
        if (left.isEmpty()) {
            return;
        }
        if (left.getAsLong() < SHORTEST_USEFUL_NANOS) {
            throw outOfTime();
        }
        int waitMs = (int) Math.min(queryTimeoutMs, NANOSECONDS.toMillis(left.getAsLong()));
        connection.setNetworkTimeout(DRIVER_APPLIES_IT, waitMs);
    }

    /** A connection-class failure, which callers report as "unavailable, try again". */
    private static SQLTransientConnectionException outOfTime() {
        return new SQLTransientConnectionException("The caller's deadline leaves no time to wait for the database");
    }
}
