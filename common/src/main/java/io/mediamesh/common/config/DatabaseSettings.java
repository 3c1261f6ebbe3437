package io.mediamesh.common.config;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A service's database: the server it shares with the others ({@code mediamesh.database}), the
 * schema it owns alone and the account that may use that schema only.
 *
 * @param url JDBC URL of the server, without a schema: {@code jdbc:mariadb://127.0.0.1:3306}
 * @param connectionTimeout longest wait for a pooled connection (or a new one to the server)
 * @param queryTimeout longest wait for the server's answer to one statement; with
 *     {@code connectionTimeout} below the deadline of the calls the service serves, so that a thread
 *     blocked on a silent or restarting database gives up before its caller does
 */
public record DatabaseSettings(String url, String user, String password, String schema, int maxPoolSize,
                               Duration connectionTimeout, Duration queryTimeout) {
    private static final Pattern SCHEMA_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
    /** Up to MariaDB's 80 characters, without quotes or wildcards, so that the name is safe in a GRANT. */
    private static final Pattern ACCOUNT_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,80}");
    /** HikariCP refuses shorter connection timeouts. */
    private static final Duration SHORTEST_TIMEOUT = Duration.ofMillis(250);

    public DatabaseSettings {
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("Invalid database schema name: " + schema);
        }
        if (!ACCOUNT_NAME.matcher(user).matches()) {
            throw new IllegalArgumentException("Invalid database account name (1 to 80 of A-Z, a-z, 0-9, _ . -): "
                                               + user);
        }
        if (connectionTimeout.compareTo(SHORTEST_TIMEOUT) < 0 || queryTimeout.compareTo(SHORTEST_TIMEOUT) < 0) {
            throw new IllegalArgumentException("Database timeouts must be at least " + SHORTEST_TIMEOUT.toMillis()
                                               + " ms");
        }
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * Reads the shared server settings and overlays the service's own block. The password is
     * {@code password}, or else the first line of {@code password-file}. The two timeouts together
     * must stay below {@code mediamesh.client.deadline}.
     */
    public static DatabaseSettings from(Config root, String serviceDatabasePath) {
        Config db = root.getConfig(serviceDatabasePath).withFallback(root.getConfig("mediamesh.database"));
        Duration connectionTimeout = db.getDuration("connection-timeout");
        Duration queryTimeout = db.getDuration("query-timeout");
        Duration deadline = root.getDuration("mediamesh.client.deadline");
        if (connectionTimeout.plus(queryTimeout).compareTo(deadline) >= 0) {
            throw new IllegalArgumentException(
                    "mediamesh.database.connection-timeout (" + connectionTimeout.toMillis() + " ms) plus query-timeout ("
                    + queryTimeout.toMillis() + " ms) must stay below mediamesh.client.deadline ("
                    + deadline.toMillis() + " ms): a thread waiting on the database would outlive its caller");
        }
        String password = db.getString("password");
        if (password.isEmpty() && !db.getString("password-file").isEmpty()) {
            password = readPasswordFile(serviceDatabasePath + ".password-file", Path.of(db.getString("password-file")));
        }
        return new DatabaseSettings(db.getString("url"), db.getString("user"), password, db.getString("schema"),
                                    db.getInt("max-pool-size"), connectionTimeout, queryTimeout);
    }

    private static String readPasswordFile(String setting, Path file) {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            int newline = content.indexOf('\n');
            return newline < 0 ? content : content.substring(0, newline);
        } catch (IOException e) {
            // The path, never the content.
            throw new IllegalArgumentException(setting + " names an unreadable file: " + file, e);
        }
    }

    public DatabaseSettings withSchema(String otherSchema) {
        return new DatabaseSettings(url, user, password, otherSchema, maxPoolSize, connectionTimeout, queryTimeout);
    }

    /** The same schema and timeouts, reached with another account. */
    public DatabaseSettings withAccount(String otherUser, String otherPassword) {
        return new DatabaseSettings(url, otherUser, otherPassword, schema, maxPoolSize, connectionTimeout,
                                    queryTimeout);
    }

    /** Same server, this settings' schema. */
    public String schemaUrl() {
        return url + '/' + schema;
    }

    @Override
    public String toString() {
        // Never print the password.
        return "DatabaseSettings[url=" + url + ", user=" + user + ", schema=" + schema + ']';
    }
}
