package io.mediamesh.common.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.SQLExceptionOverride;
import com.zaxxer.hikari.pool.HikariPool;
import io.mediamesh.common.config.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.impl.DefaultExecuteListenerProvider;

/**
 * A service's own schema: created if missing, migrated by Flyway from the service's migrations,
 * then used through a HikariCP pool and jOOQ, all with the service's own account. All calls block:
 * run them on a blocking executor.
 *
 * <p>No pool thread waits longer than the settings' timeouts: borrowing a connection gives up after
 * {@code connectionTimeout} (which also bounds opening a new one, so a database that is down or
 * restarting answers quickly with an error), and a statement whose answer does not come within
 * {@code queryTimeout} fails and loses its connection (the driver's socket timeout; the pool opens a
 * fresh one). Within a served call, both waits are also cut to the time the call has left
 * ({@link DeadlineBoundConnections}), so that a call of several statements cannot add them up past
 * its caller's deadline. Migrations run on a connection of their own without the statement bound,
 * since an ALTER TABLE may rightly take long.
 *
 * <p>The settings' URL may list the nodes of a Galera cluster ({@code jdbc:mariadb:sequential://...});
 * the schema and the options go after the last node, and every connection, the pool's as well as
 * Flyway's, may then fail over to the next node. Transactions that can collide with those of other
 * instances run through {@link #conflictRetry()}.
 */
public final class Database implements AutoCloseable {
    private final HikariPool pool;
    private final DSLContext dsl;
    private final ConflictRetry conflictRetry = ConflictRetry.defaults();

    private Database(HikariPool pool, DeadlineBoundConnections connections) {
        this.pool = pool;
        this.dsl = DSL.using(new DefaultConfiguration()
                                     .set(connections)
                                     .set(new DefaultExecuteListenerProvider(connections))
                                     .set(SQLDialect.MARIADB)
                                     .set(new Settings().withRenderSchema(false)
                                                        .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_QUOTED)));
    }

    /**
     * Opens the schema named in {@code settings}, applying the migrations found under
     * {@code classpath:<migrationsLocation>} (each service keeps its own folder so that one
     * classpath can hold several services, as in tests).
     */
    public static Database open(DatabaseSettings settings, String migrationsLocation) {
        createSchemaIfMissing(settings);
        Flyway.configure()
              .dataSource(settings.schemaUrl() + connectOption(settings), settings.user(), settings.password())
              .locations("classpath:" + migrationsLocation)
              .load()
              .migrate();
        long connectionTimeoutMs = settings.connectionTimeout().toMillis();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.schemaUrl() + connectOption(settings) + "&socketTimeout="
                          + settings.queryTimeout().toMillis());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setPoolName(settings.schema());
        config.setConnectionTimeout(connectionTimeoutMs);
        // The liveness check of an idle connection is part of a borrow, and a healthy server answers
        // it at once: the shortest check HikariCP allows keeps most of a call's time for its work.
        long validationTimeoutMs = 250;
        config.setValidationTimeout(validationTimeoutMs);
        // A query rather than the driver's isValid(seconds), which waits a whole second at least
        // (HikariCP rounds up to seconds); a query waits only for the validation timeout.
        config.setConnectionTestQuery("SELECT 1");
        NodeLoss nodeLoss = new NodeLoss();
        if (settings.hosts().size() > 1) {
            config.setExceptionOverride(nodeLoss);
        }
        config.validate();
        // The pool itself rather than a HikariDataSource: only the pool borrows with a timeout per call.
        HikariPool pool = new HikariPool(config);
        nodeLoss.pool.set(pool);
        return new Database(pool, new DeadlineBoundConnections(pool, settings.connectionTimeout(),
                                                               settings.queryTimeout(), validationTimeoutMs));
    }

    /**
     * With several nodes: when one pooled connection finds its node gone, the others to it are gone
     * too: they are all retired at once (in use ones when given back), so that only the calls in
     * flight fail, not every later call that happens to borrow a stale connection. New connections
     * go to the next node (the driver keeps the lost one on its deny list for a while).
     */
    private static final class NodeLoss implements SQLExceptionOverride {
        private final AtomicReference<HikariPool> pool = new AtomicReference<>();

        @java.lang.Override
        public SQLExceptionOverride.Override adjudicate(SQLException e) {
            HikariPool connections = pool.get();
            if (connections != null && lostConnection(e)) {
                connections.softEvictConnections();
            }
            return SQLExceptionOverride.Override.CONTINUE_EVICT;
        }

        /**
         * A broken link (SQLSTATE class 08) or the driver's "reconnected to another node, the
         * statement was lost" (25S03).
         */
        private static boolean lostConnection(SQLException e) {
            String state = e.getSQLState();
            return e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                   || state != null && (state.startsWith("08") || state.equals("25S03"));
        }
    }

    /**
     * Opening a connection to the server gives up after the connection timeout. With several nodes
     * (a Galera URL), the driver skips a node that failed for a while ({@code deniedListTimeout});
     * a statement that outlived the query timeout counts as such a failure, and right after a node
     * dies the others stall writes until they have evicted it, so healthy nodes can land on that
     * list too. Once every node is on it, the driver tries the one listed first, which is likely
     * the dead one, up to {@code retriesAllDown} times: both are kept short, so a pool whose nodes
     * were all skipped finds a live one again within seconds instead of the driver's defaults of
     * a minute and 30 s of retries.
     */
    private static String connectOption(DatabaseSettings settings) {
        String connect = "?connectTimeout=" + settings.connectionTimeout().toMillis();
        if (settings.hosts().size() == 1) {
            return connect;
        }
        long skipNodeMs = 2 * (settings.connectionTimeout().toMillis() + settings.queryTimeout().toMillis());
        return connect + "&retriesAllDown=3&deniedListTimeout=" + skipNodeMs;
    }

    private static void createSchemaIfMissing(DatabaseSettings settings) {
        try (Connection connection = DriverManager.getConnection(settings.url() + '/' + connectOption(settings),
                                                                 settings.user(),
                                                                 settings.password());
             Statement statement = connection.createStatement()) {
            // The name is validated by DatabaseSettings, so it is safe to splice in. The service's
            // account may create its own schema only (it holds CREATE on that schema alone).
            statement.execute("CREATE DATABASE IF NOT EXISTS `" + settings.schema() +
                              "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reach the database at " + settings.url() + ": " +
                                            e.getMessage(), e);
        }
    }

    public DSLContext dsl() {
        return dsl;
    }

    /** Runs transactions again after a deadlock or a Galera certification conflict; counts how often. */
    public ConflictRetry conflictRetry() {
        return conflictRetry;
    }

    @Override
    public void close() {
        try {
            pool.shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
