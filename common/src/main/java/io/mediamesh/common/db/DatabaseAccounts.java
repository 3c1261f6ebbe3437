package io.mediamesh.common.db;

import io.mediamesh.common.config.DatabaseSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A service's own MariaDB account: made (or its password reset) through an administrator's
 * connection, with the rights on the service's schema that Flyway and the service need and no right
 * anywhere else (no GRANT OPTION, nothing global). The administrator needs CREATE USER and these
 * rights WITH GRANT OPTION on the schema.
 */
public final class DatabaseAccounts {
    /**
     * Enough to create the schema, run the migrations (tables, indexes, foreign keys, views) and use
     * the data; not FILE, PROCESS, SUPER or anything else that reaches outside the schema.
     */
    static final String SCHEMA_RIGHTS = "SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES, "
                                        + "CREATE VIEW, SHOW VIEW, LOCK TABLES, CREATE TEMPORARY TABLES";
    /** Where a client on this machine comes from, whether or not the server resolves its name. */
    private static final List<String> LOOPBACK_HOSTS = List.of("127.0.0.1", "::1", "localhost");
    private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

    private DatabaseAccounts() {}

    /**
     * Makes {@code service.user()} log in with {@code service.password()} and use
     * {@code service.schema()} only: rights it held elsewhere (an earlier schema) are revoked.
     */
    public static void ensure(Connection admin, DatabaseSettings service) throws SQLException {
        if (service.password().isEmpty()) {
            throw new IllegalArgumentException("the database account " + service.user() + " needs a password");
        }
        // Names are validated by DatabaseSettings (no quotes, backquotes or '%'), so they are safe to
        // splice in; in a GRANT, '_' is a wildcard, escaped so that the grant names this schema only.
        String schemaPattern = service.schema().replace("_", "\\_");
        for (String host : accountHosts(service.hosts())) {
            String account = "'" + service.user() + "'@'" + host + "'";
            // The password travels as a bound parameter, never in the text of a statement.
            try (PreparedStatement create = admin.prepareStatement("CREATE USER IF NOT EXISTS " + account
                                                                   + " IDENTIFIED BY ?");
                 PreparedStatement alter = admin.prepareStatement("ALTER USER " + account + " IDENTIFIED BY ?");
                 Statement statement = admin.createStatement()) {
                create.setString(1, service.password());
                create.execute();
                alter.setString(1, service.password());
                alter.execute();
                statement.execute("REVOKE ALL PRIVILEGES, GRANT OPTION FROM " + account);
                statement.execute("GRANT " + SCHEMA_RIGHTS + " ON `" + schemaPattern + "`.* TO " + account);
            }
        }
    }

    /**
     * The client hosts an account is made for: loopback when every server of the URL is on this
     * machine (TCP from 127.0.0.1 may count as 'localhost'), any host otherwise, since the services'
     * address as the servers see it is not known here. On a Galera cluster the account made through
     * one node is replicated to the others.
     */
    static List<String> accountHosts(List<String> serverHosts) {
        return serverHosts.stream().allMatch(host -> LOOPBACK_NAMES.contains(host.toLowerCase(Locale.ROOT)))
               ? LOOPBACK_HOSTS : List.of("%");
    }
}
