package io.mediamesh.common.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.mediamesh.common.config.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * A service's own schema: created if missing, migrated by Flyway from the service's migrations,
 * then used through a HikariCP pool and jOOQ, all with the service's own account. All calls block:
 * run them on a blocking executor.
 *
 * <p>No pool thread waits longer than the settings' timeouts: borrowing a connection gives up after
 * {@code connectionTimeout} (which also bounds opening a new one, so a database that is down or
 * restarting answers quickly with an error), and a statement whose answer does not come within
 * {@code queryTimeout} fails and loses its connection (the driver's socket timeout; the pool opens a
 * fresh one). Migrations run on a connection of their own without the statement bound, since an
 * ALTER TABLE may rightly take long.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final DSLContext dsl;

    private Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.dsl = DSL.using(dataSource, SQLDialect.MARIADB,
                             new Settings().withRenderSchema(false)
                                           .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_QUOTED));
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
        // The liveness check of an idle connection is part of a borrow: keep it inside the same bound.
        config.setValidationTimeout(Math.max(250, connectionTimeoutMs / 2));
        return new Database(new HikariDataSource(config));
    }

    /** Opening a connection to the server gives up after the connection timeout. */
    private static String connectOption(DatabaseSettings settings) {
        return "?connectTimeout=" + settings.connectionTimeout().toMillis();
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

    @Override
    public void close() {
        dataSource.close();
    }
}
