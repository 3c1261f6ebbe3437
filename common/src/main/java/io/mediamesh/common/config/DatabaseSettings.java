package io.mediamesh.common.config;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A service's database: the server it shares with the others ({@code mediamesh.database}), the
 * schema it owns alone and the account that may use that schema only.
 *
 * @param url JDBC URL of the server, without a schema or options: {@code jdbc:mariadb://127.0.0.1:3306}, or
 *     for a Galera cluster every node in the order to try them,
 *     {@code jdbc:mariadb:sequential://db1:3306,db2:3306,db3:3306} (the driver connects to the first
 *     node that answers and moves a broken connection to the next one)
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
    /**
     * The driver's prefix, an optional high-availability mode and one or more host[:port], nothing
     * after them: the schema and the connection options are appended here, and would be spliced
     * into a URL that already had them.
     */
    private static final Pattern SERVER_URL = Pattern.compile(
            "jdbc:mariadb:(?:(?:sequential|loadbalance|load-balance):)?//"
            + "(?:\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?"
            + "(?:,(?:\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?)*");

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
        if (!SERVER_URL.matcher(url).matches()) {
            // Up to any options only: they could carry a password.
            int options = url.indexOf('?');
            throw new IllegalArgumentException(
                    "Invalid database URL " + (options < 0 ? url : url.substring(0, options) + "?...")
                    + ": expected jdbc:mariadb://host:port, or for a Galera cluster "
                    + "jdbc:mariadb:sequential://host1:port1,host2:port2,host3:port3, without a schema or options");
        }
    }

    /** The server's hosts as written in the URL (without ports), in order. */
    public List<String> hosts() {
        String list = url.substring(url.indexOf("//") + 2);
        return Arrays.stream(list.split(","))
                     .map(host -> host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                                                       : host.split(":", 2)[0])
                     .toList();
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

    /** The same schema, account and timeouts on another server (or the same nodes in another order). */
    public DatabaseSettings withUrl(String otherUrl) {
        return new DatabaseSettings(otherUrl, user, password, schema, maxPoolSize, connectionTimeout, queryTimeout);
    }

    /** The same schema and timeouts, reached with another account. */
    public DatabaseSettings withAccount(String otherUser, String otherPassword) {
        return new DatabaseSettings(url, otherUser, otherPassword, schema, maxPoolSize, connectionTimeout,
                                    queryTimeout);
    }

    /** Same server (every node of a multi-host URL), this settings' schema. */
    public String schemaUrl() {
        return url + '/' + schema;
    }

    @Override
    public String toString() {
        // Never print the password.
        return "DatabaseSettings[url=" + url + ", user=" + user + ", schema=" + schema + ']';
    }
}
