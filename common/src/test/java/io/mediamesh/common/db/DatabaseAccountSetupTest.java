package io.mediamesh.common.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What ./mediamesh up's account setup does before it reaches the database: passwords and hosts. */
class DatabaseAccountSetupTest {
    @TempDir
    Path dir;

    @Test
    void aServiceWithoutAPasswordGetsAGeneratedOneOnlyItsOwnerCanRead() throws Exception {
        Path file = dir.resolve("db").resolve("svc-a-password");
        Config config = config("password = \"\", password-file = \"" + file + "\"");

        DatabaseSettings first = DatabaseAccountSetup.settingsWithPassword(config, "svc-a");
        assertThat(first.password()).matches("[A-Za-z0-9]{32}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");

        // Later runs keep the password (the account is reset to it) and the file's mode.
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(DatabaseAccountSetup.settingsWithPassword(config, "svc-a").password()).isEqualTo(first.password());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aConfiguredPasswordIsUsedAndNoFileIsWritten() throws Exception {
        Path file = dir.resolve("unused");
        Config config = config("password = configured-secret, password-file = \"" + file + "\"");
        assertThat(DatabaseAccountSetup.settingsWithPassword(config, "svc-a").password()).isEqualTo("configured-secret");
        assertThat(file).doesNotExist();
    }

    @Test
    void aServiceWithNeitherPasswordNorFileOrWithoutASchemaIsRefused() throws Exception {
        Config config = config("password = \"\", password-file = \"\"");
        assertThatThrownBy(() -> DatabaseAccountSetup.settingsWithPassword(config, "svc-a"))
                .hasMessage("set mediamesh.svc-a.database.password or mediamesh.svc-a.database.password-file");
        assertThatThrownBy(() -> DatabaseAccountSetup.settingsWithPassword(config, "gateway"))
                .hasMessageContaining("unknown service gateway");
    }

    @Test
    void accountsAreForLoopbackWhenTheServerIsOnThisMachine() {
        assertThat(DatabaseAccounts.accountHosts(hosts("jdbc:mariadb://127.0.0.1:3306")))
                .containsExactly("127.0.0.1", "::1", "localhost");
        assertThat(DatabaseAccounts.accountHosts(hosts("jdbc:mariadb://localhost"))).contains("localhost");
        assertThat(DatabaseAccounts.accountHosts(hosts("jdbc:mariadb://[::1]:3306"))).contains("::1");
        assertThat(DatabaseAccounts.accountHosts(hosts("jdbc:mariadb://db.example:3306"))).containsExactly("%");
    }

    @Test
    void aGaleraUrlGetsLoopbackAccountsOnlyWhenEveryNodeIsOnThisMachine() {
        assertThat(hosts("jdbc:mariadb:sequential://127.0.0.1:4001,localhost:4002,[::1]:4003"))
                .containsExactly("127.0.0.1", "localhost", "[::1]");
        assertThat(DatabaseAccounts.accountHosts(hosts("jdbc:mariadb:sequential://127.0.0.1:4001,localhost:4002")))
                .containsExactly("127.0.0.1", "::1", "localhost");
        assertThat(DatabaseAccounts.accountHosts(hosts("jdbc:mariadb:sequential://127.0.0.1:4001,db2.example:3306")))
                .containsExactly("%");
    }

    private static List<String> hosts(String url) {
        Duration second = Duration.ofSeconds(1);
        return new DatabaseSettings(url, "u", "p", "s", 1, second, second).hosts();
    }

    private Config config(String databaseBlock) throws IOException {
        Path file = dir.resolve("mediamesh.conf");
        Files.writeString(file, "mediamesh.svc-a.database { schema = svc_a, user = svc_a, " + databaseBlock + " }\n");
        return Configs.load(Map.of(Configs.CONFIG_FILE_VARIABLE, file.toString()));
    }
}
