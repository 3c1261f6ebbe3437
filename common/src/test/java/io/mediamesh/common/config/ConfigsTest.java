package io.mediamesh.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("fast")
class ConfigsTest {
    @Test
    void defaultsRunLocally() {
        var config = Configs.load(Map.of());
        assertThat(config.getString("mediamesh.database.url")).isEqualTo("jdbc:mariadb://127.0.0.1:3306");
        assertThat(config.getString("mediamesh.endpoints.user-svc")).isEqualTo("127.0.0.1:9101");
    }

    @Test
    void environmentBeatsFileBeatsDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mediamesh.conf");
        Files.writeString(file, "mediamesh.database.url = \"jdbc:mariadb://fromfile\"\n"
                                + "mediamesh.database.query-timeout = 2s\n");
        var config = Configs.load(Map.of(Configs.CONFIG_FILE_VARIABLE, file.toString(),
                                         "MEDIAMESH_DB_URL", "jdbc:mariadb://fromenv"));
        assertThat(config.getString("mediamesh.database.url")).isEqualTo("jdbc:mariadb://fromenv");
        assertThat(config.getDuration("mediamesh.database.query-timeout")).hasSeconds(2);
        assertThat(config.getInt("mediamesh.database.max-pool-size")).isEqualTo(16);
    }

    @Test
    void anUnreadableConfigFileIsAnError(@TempDir Path dir) {
        assertThatThrownBy(() -> Configs.load(Map.of(Configs.CONFIG_FILE_VARIABLE, dir.resolve("nope").toString())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }

    @Test
    void databaseSettingsRejectUnsafeNamesAndHideThePassword() {
        Duration second = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new DatabaseSettings("jdbc:mariadb://h", "u", "p", "x`; DROP", 1, second, second))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DatabaseSettings("jdbc:mariadb://h", "u'@'%", "p", "s", 1, second, second))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("account name");
        assertThat(new DatabaseSettings("jdbc:mariadb://h/", "u", "hunter2", "s", 1, second, second).toString())
                .doesNotContain("hunter2");
    }

    @Test
    void aGaleraUrlListsEveryNodeAndGetsTheSchemaAfterTheLastOne() {
        Duration second = Duration.ofSeconds(1);
        DatabaseSettings galera = new DatabaseSettings("jdbc:mariadb:sequential://db1:3306,db2:3306,db3/", "u", "p",
                                                       "s", 1, second, second);
        assertThat(galera.url()).isEqualTo("jdbc:mariadb:sequential://db1:3306,db2:3306,db3");
        assertThat(galera.schemaUrl()).isEqualTo("jdbc:mariadb:sequential://db1:3306,db2:3306,db3/s");
        assertThat(galera.hosts()).containsExactly("db1", "db2", "db3");
    }

    @Test
    void aDatabaseUrlWithASchemaOptionsOrAnotherDriverIsRefusedWithoutShowingTheOptions() {
        Duration second = Duration.ofSeconds(1);
        for (String url : List.of("jdbc:mariadb://h:3306/otherschema", "jdbc:mysql://h:3306",
                                  "jdbc:mariadb:replication://h1,h2", "jdbc:mariadb://h1,,h2", "mariadb://h")) {
            assertThatThrownBy(() -> new DatabaseSettings(url, "u", "p", "s", 1, second, second))
                    .as(url).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Invalid database URL " + url)
                    .hasMessageContaining("jdbc:mariadb:sequential://host1:port1,host2:port2,host3:port3");
        }
        assertThatThrownBy(() -> new DatabaseSettings("jdbc:mariadb://h?password=hunter2", "u", "p", "s", 1, second,
                                                      second))
                .hasMessageContaining("Invalid database URL jdbc:mariadb://h?...").message().doesNotContain("hunter2");
    }

    @Test
    void eachServiceHasItsOwnAccountWithThePasswordFromAFile(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("password");
        Files.writeString(secret, "from-the-file\n");
        Path file = dir.resolve("mediamesh.conf");
        Files.writeString(file, "mediamesh.svc-a.database { schema = a, user = account_a, password = \"\","
                                + " password-file = \"" + secret + "\" }\n"
                                + "mediamesh.svc-b.database { schema = b, user = account_b, password = \"\","
                                + " password-file = \"\" }\n");
        var config = Configs.load(Map.of(Configs.CONFIG_FILE_VARIABLE, file.toString()));

        DatabaseSettings a = DatabaseSettings.from(config, "mediamesh.svc-a.database");
        assertThat(a.user()).isEqualTo("account_a");
        assertThat(a.password()).isEqualTo("from-the-file");
        assertThat(a.connectionTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(a.queryTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(DatabaseSettings.from(config, "mediamesh.svc-b.database").user()).isEqualTo("account_b");

        Files.delete(secret);
        assertThatThrownBy(() -> DatabaseSettings.from(config, "mediamesh.svc-a.database"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mediamesh.svc-a.database.password-file names an unreadable file: " + secret);
    }

    @Test
    void poolTimeoutsMustStayBelowTheCallDeadline(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mediamesh.conf");
        Files.writeString(file, "mediamesh.svc-a.database { schema = a, user = account_a, password = x }\n"
                                + "mediamesh.database.query-timeout = 2500ms\n");
        var config = Configs.load(Map.of(Configs.CONFIG_FILE_VARIABLE, file.toString()));
        assertThatThrownBy(() -> DatabaseSettings.from(config, "mediamesh.svc-a.database"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must stay below mediamesh.client.deadline (3000 ms)");
    }
}
