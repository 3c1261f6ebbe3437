package io.mediamesh.common.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.common.config.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A schema of its own for one test class on the real MariaDB (MEDIAMESH_TEST_DB_URL, default
 * 127.0.0.1:3306 as root), dropped after the class. Register it as a static field with a lower
 * {@code @Order} than the servers that use it.
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback {
    private static final String URL = env("MEDIAMESH_TEST_DB_URL", "jdbc:mariadb://127.0.0.1:3306");
    private static final String USER = env("MEDIAMESH_TEST_DB_USER", "root");
    private static final String PASSWORD = env("MEDIAMESH_TEST_DB_PASSWORD", "");
    /** The services' own pool timeouts, so that tests see what a deployment sees. */
    private static final Config DEFAULTS = ConfigFactory.defaultReference().getConfig("mediamesh.database");

    private DatabaseSettings settings;

    @Override
    public void beforeAll(ExtensionContext context) {
        String base = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
        settings = settingsFor(base);
    }

    /** Settings for a fresh schema name; the schema itself is created by {@code Database.open}. */
    public static DatabaseSettings settingsFor(String base) {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String schema = "mmt_" + base.substring(0, Math.min(base.length(), 40)) + '_' + suffix;
        return new DatabaseSettings(URL, USER, PASSWORD, schema, 8, DEFAULTS.getDuration("connection-timeout"),
                                    DEFAULTS.getDuration("query-timeout"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        drop(settings);
    }

    public static void drop(DatabaseSettings settings) throws SQLException {
        try (Connection connection = DriverManager.getConnection(URL + '/', USER, PASSWORD);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS `" + settings.schema() + '`');
        }
    }

    public DatabaseSettings settings() {
        if (settings == null) {
            throw new IllegalStateException("TestDatabase is used before its beforeAll ran: check @Order");
        }
        return settings;
    }

    private static String env(String name, String defaultValue) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? defaultValue : value;
    }
}
