package io.mediamesh.common.config;

import com.typesafe.config.Config;
import java.util.regex.Pattern;

/**
 * A service's database: the server it shares with the others ({@code mediamesh.database}) and the
 * schema it owns alone.
 *
 * @param url JDBC URL of the server, without a schema: {@code jdbc:mariadb://127.0.0.1:3306}
 */
public record DatabaseSettings(String url, String user, String password, String schema, int maxPoolSize) {
    private static final Pattern SCHEMA_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");

    public DatabaseSettings {
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("Invalid database schema name: " + schema);
        }
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Reads the shared server settings and overlays the service's own block. */
    public static DatabaseSettings from(Config root, String serviceDatabasePath) {
        Config db = root.getConfig(serviceDatabasePath).withFallback(root.getConfig("mediamesh.database"));
        return new DatabaseSettings(db.getString("url"), db.getString("user"), db.getString("password"),
                                    db.getString("schema"), db.getInt("max-pool-size"));
    }

    public DatabaseSettings withSchema(String otherSchema) {
        return new DatabaseSettings(url, user, password, otherSchema, maxPoolSize);
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
