package io.mediamesh.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        Files.writeString(file, "mediamesh.database.user = fromfile\nmediamesh.database.password = secret\n");
        var config = Configs.load(Map.of(Configs.CONFIG_FILE_VARIABLE, file.toString(),
                                         "MEDIAMESH_DB_USER", "fromenv"));
        assertThat(config.getString("mediamesh.database.user")).isEqualTo("fromenv");
        assertThat(config.getString("mediamesh.database.password")).isEqualTo("secret");
        assertThat(config.getInt("mediamesh.database.max-pool-size")).isEqualTo(16);
    }

    @Test
    void anUnreadableConfigFileIsAnError(@TempDir Path dir) {
        assertThatThrownBy(() -> Configs.load(Map.of(Configs.CONFIG_FILE_VARIABLE, dir.resolve("nope").toString())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }

    @Test
    void databaseSettingsRejectUnsafeSchemaNamesAndHideThePassword() {
        assertThatThrownBy(() -> new DatabaseSettings("jdbc:mariadb://h", "u", "p", "x`; DROP", 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new DatabaseSettings("jdbc:mariadb://h/", "u", "hunter2", "s", 1).toString())
                .doesNotContain("hunter2");
    }
}
