package io.mediamesh.common.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A service that cannot start on its schema gives back the pool it opened, against the real MariaDB. */
class RunningServiceTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void aStartThatFailsClosesTheSchemaItOpened() {
        AtomicInteger connectionsWhileStarting = new AtomicInteger();

        assertThatThrownBy(() -> RunningService.onSchema(db.settings(), "db/migration/none", database -> {
            database.dsl().fetchValue("SELECT 1");
            connectionsWhileStarting.set(connectionsTo(db.settings()));
            throw new IllegalStateException("the port is taken");
        })).isInstanceOf(IllegalStateException.class).hasMessage("the port is taken");

        assertThat(connectionsWhileStarting).as("the pool's connections while starting").hasPositiveValue();
        assertThat(connectionsTo(db.settings())).as("connections left on the schema after the failed start").isZero();
    }

    /** The server's connections using {@code settings}' schema, counted from outside it. */
    private static int connectionsTo(DatabaseSettings settings) {
        try (Connection outside = DriverManager.getConnection(settings.url() + "/", settings.user(), settings.password());
             PreparedStatement count = outside.prepareStatement(
                     "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = ?")) {
            count.setString(1, settings.schema());
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
