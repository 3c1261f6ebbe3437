package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.db.DatabaseAccounts;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.config.ConfigSvc;
import io.mediamesh.media.MediaSvc;
import io.mediamesh.scheduler.SchedulerSvc;
import io.mediamesh.user.UserSvc;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each service's own database account, made as {@code ./mediamesh up} makes it (DatabaseAccounts, as an
 * administrator: here the tests' login on the shared MariaDB): it creates and migrates its own schema
 * and works in it, and every other service's schema is closed to it.
 */
class DatabaseAccountsTest {
    /** The services' migrations; each schema ends up with a flyway_schema_history table. */
    private static final Map<String, String> MIGRATIONS = Map.of("user", UserSvc.MIGRATIONS,
                                                                 "config", ConfigSvc.MIGRATIONS,
                                                                 "media", MediaSvc.MIGRATIONS,
                                                                 "scheduler", SchedulerSvc.MIGRATIONS);
    /** ER_TABLEACCESS_DENIED_ERROR and ER_DBACCESS_DENIED_ERROR. */
    private static final int TABLE_ACCESS_DENIED = 1142;
    private static final int DATABASE_ACCESS_DENIED = 1044;

    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final Map<String, DatabaseSettings> services = new LinkedHashMap<>();

    @Test
    void eachServiceWorksInItsOwnSchemaAndCannotReadAnothers() throws Exception {
        DatabaseSettings admin = TestDatabase.settingsFor("accounts_admin");
        try (Connection root = connect(admin)) {
            for (String service : MIGRATIONS.keySet()) {
                DatabaseSettings settings = TestDatabase.settingsFor("accounts_" + service)
                                                        .withAccount("mmt_" + suffix + '_' + service,
                                                                     "pw-" + service + '-' + suffix);
                services.put(service, settings);
                DatabaseAccounts.ensure(root, settings);
            }
        }
        for (Map.Entry<String, DatabaseSettings> service : services.entrySet()) {
            // Creating the schema and running every migration needs only the account's own rights.
            try (Database database = Database.open(service.getValue(), MIGRATIONS.get(service.getKey()))) {
                assertThat(database.dsl().fetchCount(database.dsl().selectFrom("flyway_schema_history")
                                                             .where("success = 1")))
                        .as("%s's migrations", service.getKey()).isPositive();
            }
        }
        for (Map.Entry<String, DatabaseSettings> service : services.entrySet()) {
            DatabaseSettings own = service.getValue();
            try (Connection connection = connect(own); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE `" + own.schema() + "`.scratch (id INT PRIMARY KEY)");
                statement.execute("INSERT INTO `" + own.schema() + "`.scratch VALUES (1)");
                statement.execute("DROP TABLE `" + own.schema() + "`.scratch");
                for (DatabaseSettings other : services.values()) {
                    if (other == own) {
                        continue;
                    }
                    String table = '`' + other.schema() + "`.flyway_schema_history";
                    assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM " + table))
                            .as("%s reading %s", own.user(), table)
                            .isInstanceOfSatisfying(SQLException.class, e -> {
                                assertThat(e.getErrorCode()).isEqualTo(TABLE_ACCESS_DENIED);
                                assertThat(e.getMessage()).contains("SELECT command denied to user '" + own.user());
                            });
                    assertThatThrownBy(() -> statement.execute("DELETE FROM " + table))
                            .isInstanceOfSatisfying(SQLException.class,
                                                    e -> assertThat(e.getErrorCode()).isEqualTo(TABLE_ACCESS_DENIED));
                    assertThatThrownBy(() -> statement.execute("USE `" + other.schema() + '`'))
                            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode())
                                    .isEqualTo(DATABASE_ACCESS_DENIED));
                }
                // Nor a schema of its own choosing, nor the server's accounts.
                assertThatThrownBy(() -> statement.execute("CREATE DATABASE `mmt_" + suffix + "_elsewhere`"))
                        .isInstanceOfSatisfying(SQLException.class,
                                                e -> assertThat(e.getErrorCode()).isEqualTo(DATABASE_ACCESS_DENIED));
                assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM mysql.user"))
                        .isInstanceOfSatisfying(SQLException.class,
                                                e -> assertThat(e.getErrorCode()).isEqualTo(TABLE_ACCESS_DENIED));
            }
        }
    }

    @Test
    void makingAnAccountAgainResetsItsPasswordAndKeepsItsRights() throws Exception {
        DatabaseSettings first = TestDatabase.settingsFor("accounts_again")
                                             .withAccount("mmt_" + suffix + "_again", "first-password");
        DatabaseSettings second = first.withAccount(first.user(), "second-password");
        services.put("again", second);
        try (Connection root = connect(TestDatabase.settingsFor("accounts_admin"))) {
            DatabaseAccounts.ensure(root, first);
            DatabaseAccounts.ensure(root, second);
        }
        assertThatThrownBy(() -> connect(first)).isInstanceOf(SQLException.class)
                                                .hasMessageContaining("Access denied for user '" + first.user());
        try (Database database = Database.open(second, UserSvc.MIGRATIONS)) {
            assertThat(database.dsl().fetchCount(database.dsl().selectFrom("users"))).isZero();
        }
    }

    @AfterEach
    void dropAccountsAndSchemas() throws SQLException {
        try (Connection root = connect(TestDatabase.settingsFor("accounts_admin"));
             Statement statement = root.createStatement()) {
            for (DatabaseSettings settings : services.values()) {
                for (String host : new String[] {"127.0.0.1", "::1", "localhost"}) {
                    statement.execute("DROP USER IF EXISTS '" + settings.user() + "'@'" + host + "'");
                }
                TestDatabase.drop(settings);
            }
        }
    }

    private static Connection connect(DatabaseSettings settings) throws SQLException {
        return DriverManager.getConnection(settings.url() + "/?connectTimeout=2000", settings.user(),
                                           settings.password());
    }
}
