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
 * then used through a HikariCP pool and jOOQ. All calls block: run them on a blocking executor.
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
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.schemaUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setPoolName(settings.schema());
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            Flyway.configure()
                  .dataSource(dataSource)
                  .locations("classpath:" + migrationsLocation)
                  .load()
                  .migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dataSource);
    }

    private static void createSchemaIfMissing(DatabaseSettings settings) {
        try (Connection connection = DriverManager.getConnection(settings.url() + '/', settings.user(),
                                                                 settings.password());
             Statement statement = connection.createStatement()) {
            // The name is validated by DatabaseSettings, so it is safe to splice in.
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
