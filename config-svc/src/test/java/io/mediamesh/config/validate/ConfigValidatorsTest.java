package io.mediamesh.config.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.mediamesh.api.v1.ConfigFile;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.error.MediameshException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real tools on hand-written files: what they accept, what they reject, and what they print. */
class ConfigValidatorsTest {
    private static final ValidationTools TOOLS = ValidationTools.from(
            Configs.load(Map.of()).getConfig("mediamesh.config-svc.validation"));
    private static final ConfigValidators VALIDATORS = new ConfigValidators(TOOLS);

    private static final String NGINX_OK = """
            pid logs/nginx.pid;
            events { worker_connections 64; }
            http {
                client_body_temp_path client_body_temp;
                proxy_temp_path proxy_temp;
                fastcgi_temp_path fastcgi_temp;
                uwsgi_temp_path uwsgi_temp;
                scgi_temp_path scgi_temp;
                access_log logs/access.log;
                server { listen 127.0.0.1:18999; location / { return 204; } }
            }
            """;
    private static final String COTURN_OK = """
            listening-port=3478
            listening-ip=10.1.2.3
            relay-ip=10.1.2.3
            external-ip=203.0.113.9/10.1.2.3
            realm=mediamesh
            fingerprint
            no-cli
            """;

    private static ConfigFile file(String name, String content) {
        return ConfigFile.newBuilder().setName(name).setContent(ByteString.copyFromUtf8(content)).build();
    }

    private static List<ConfigFile> janusFiles(String core) {
        List<ConfigFile> files = new ArrayList<>(List.of(file("janus.jcfg", core)));
        for (String plugin : List.of("janus.eventhandler.sampleevh.jcfg", "janus.plugin.streaming.jcfg",
                                     "janus.plugin.textroom.jcfg",
                                     "janus.plugin.videoroom.jcfg", "janus.transport.http.jcfg")) {
            files.add(file(plugin, "general: {\n\tadmin_key = \"k\"\n}\n"));
        }
        return files;
    }

    @Test
    void nginxAcceptsAGoodFileAndRejectsABadOneWithItsMessage() {
        ValidationResult good = VALIDATORS.validate(ConfigKind.CONFIG_KIND_NGINX, List.of(file("nginx.conf", NGINX_OK)));
        assertThat(good.ok()).as(good.toolOutput()).isTrue();
        assertThat(good.exitCode()).isZero();

        ValidationResult bad = VALIDATORS.validate(ConfigKind.CONFIG_KIND_NGINX, List.of(file(
                "nginx.conf", NGINX_OK.replace("return 204;", "return 204; frobnicate yes;"))));
        assertThat(bad.ok()).isFalse();
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.toolOutput()).contains("[emerg] unknown directive \"frobnicate\"").contains("nginx.conf:10")
                                    .contains("test failed");
    }

    @Test
    void nginxChecksInAPrefixOfItsOwnAndLeavesTheFolderAlone(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("nginx.conf"), NGINX_OK);
        ValidationResult result = VALIDATORS.validate(ConfigKind.CONFIG_KIND_NGINX, folder);
        assertThat(result.ok()).as(result.toolOutput()).isTrue();
        try (var listing = Files.list(folder)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("nginx.conf");
        }
    }

    @Test
    void janusSyntaxErrorsNameTheFileAndLine() {
        ValidationResult good = VALIDATORS.validate(ConfigKind.CONFIG_KIND_JANUS,
                                                    janusFiles("general: {\n\tadmin_secret = \"s3cret\"\n}\n"));
        assertThat(good.ok()).as(good.toolOutput()).isTrue();
        // The tool echoes every setting when it accepts a file; none of that is kept.
        assertThat(good.toolOutput()).doesNotContain("s3cret").contains("janus.jcfg: ok");

        ValidationResult bad = VALIDATORS.validate(ConfigKind.CONFIG_KIND_JANUS,
                                                   janusFiles("general: {\n\tdebug_level = 4\n\toops = \n}\n"));
        assertThat(bad.ok()).isFalse();
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.toolOutput()).contains("janus.jcfg: ").contains("Error parsing config file at line");
        assertThat(bad.toolOutput()).doesNotContain("\u001B[");

        List<ConfigFile> missing = janusFiles("general: {\n}\n").subList(0, 3);
        ValidationResult incomplete = VALIDATORS.validate(ConfigKind.CONFIG_KIND_JANUS, missing);
        assertThat(incomplete.ok()).isFalse();
        assertThat(incomplete.toolOutput()).contains("janus.transport.http.jcfg: missing");
    }

    @Test
    void coturnStartsOnLoopbackWhateverAddressesTheFileNames() {
        ValidationResult good = VALIDATORS.validate(ConfigKind.CONFIG_KIND_COTURN,
                                                    List.of(file("turnserver.conf", COTURN_OK)));
        assertThat(good.ok()).as(good.toolOutput()).isTrue();
        assertThat(good.exitCode()).isEqualTo(124);
        assertThat(good.toolOutput()).contains("Listener address to use: 127.0.0.1");
    }

    @Test
    void coturnUnknownKeysAndBadAccountsAreRejectedThoughItKeepsRunning() {
        ValidationResult unknown = VALIDATORS.validate(ConfigKind.CONFIG_KIND_COTURN,
                                                       List.of(file("turnserver.conf", COTURN_OK + "frobnicate=1\n")));
        assertThat(unknown.ok()).isFalse();
        assertThat(unknown.exitCode()).isEqualTo(124);
        assertThat(unknown.toolOutput()).startsWith("0: : Bad configuration format: frobnicate");

        ValidationResult account = VALIDATORS.validate(ConfigKind.CONFIG_KIND_COTURN,
                                                       List.of(file("turnserver.conf", COTURN_OK + "user=bob\n")));
        assertThat(account.ok()).isFalse();
        assertThat(account.toolOutput()).contains("ERROR: Wrong user account: bob");
    }

    @Test
    void aMissingFileIsARejection() {
        assertThat(VALIDATORS.validate(ConfigKind.CONFIG_KIND_NGINX, List.of()).toolOutput())
                .isEqualTo("nginx.conf is missing.");
        assertThat(VALIDATORS.validate(ConfigKind.CONFIG_KIND_COTURN, List.of()).ok()).isFalse();
    }

    @Test
    void fileNamesWithFoldersAreRefused() {
        assertThatThrownBy(() -> VALIDATORS.validate(ConfigKind.CONFIG_KIND_NGINX,
                                                     List.of(file("../nginx.conf", NGINX_OK))))
                .isInstanceOfSatisfying(MediameshException.class,
                                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }

    @Test
    void aMissingToolIsAnInternalErrorNotARejection() {
        ValidationTools absent = new ValidationTools(Path.of("/nonexistent/nginx"), TOOLS.janusCfgconv(),
                                                     TOOLS.turnserver(), TOOLS.timeout(), Duration.ofSeconds(1),
                                                     Duration.ofSeconds(5), TOOLS.janus(), false,
                                                     Duration.ofSeconds(5));
        ConfigValidators validators = new ConfigValidators(absent);
        assertThat(validators.available(ConfigKind.CONFIG_KIND_NGINX)).isFalse();
        assertThat(validators.available(ConfigKind.CONFIG_KIND_JANUS)).isTrue();
        assertThatThrownBy(() -> validators.validate(ConfigKind.CONFIG_KIND_NGINX,
                                                     List.of(file("nginx.conf", NGINX_OK))))
                .isInstanceOfSatisfying(MediameshException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
                    assertThat(e.getMessage()).contains("apt-get install -y nginx");
                });
    }

    @Test
    void aJanusCheckAddedLaterRunsOnlyAfterTheSyntaxPassed() {
        List<Path> checked = new ArrayList<>();
        ConfigValidators withInstance = VALIDATORS.withJanusCheck(folder -> {
            checked.add(folder);
            assertThat(folder.resolve("janus.jcfg")).exists();
            return new ValidationResult(false, "instance refused to start", 7);
        });
        ValidationResult syntaxError = withInstance.validate(ConfigKind.CONFIG_KIND_JANUS,
                                                             janusFiles("general: {\n\toops = \n}\n"));
        assertThat(syntaxError.toolOutput()).doesNotContain("instance refused");
        assertThat(checked).isEmpty();

        ValidationResult semantic = withInstance.validate(ConfigKind.CONFIG_KIND_JANUS, janusFiles("general: {\n}\n"));
        assertThat(checked).hasSize(1);
        assertThat(semantic.ok()).isFalse();
        assertThat(semantic.exitCode()).isEqualTo(7);
        assertThat(semantic.toolOutput()).contains("janus.jcfg: ok").endsWith("instance refused to start");
    }
}
