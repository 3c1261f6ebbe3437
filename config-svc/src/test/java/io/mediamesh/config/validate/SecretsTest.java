package io.mediamesh.config.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigFile;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.JanusConfig;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.common.config.Configs;
import io.mediamesh.config.render.ConfigRenderer;
import io.mediamesh.config.render.RenderTarget;
import io.mediamesh.config.render.RenderedConfig;
import io.mediamesh.config.revision.DefaultDocuments;
import io.mediamesh.config.server.MediaServerRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secrets of rendered files are found where the renderer writes them, and a check that prints
 * the files back (as Janus prints its configuration at debug level 5 and up) reports them masked.
 */
class SecretsTest {
    private static final DefaultDocuments DEFAULTS = new DefaultDocuments(new SecureRandom());
    private static final MediaServerRecord SERVER = MediaServerRecord.sample(MediaServerRole.MEDIA_SERVER_ROLE_EDGE);

    @TempDir
    Path folder;

    @Test
    @Tag("fast")
    void everySecretOfTheDefaultDocumentsIsFound() throws IOException {
        JanusConfig janus = DEFAULTS.of(ConfigKind.CONFIG_KIND_JANUS).getJanus().toBuilder()
                                    .setNat(DEFAULTS.of(ConfigKind.CONFIG_KIND_JANUS).getJanus().getNat().toBuilder()
                                                    .setTurnServer("127.0.0.1").setTurnPort(3478).setTurnType("udp")
                                                    .setTurnPwd("a \"quoted\" turn password"))
                                    .build();
        assertThat(secretsOf(ConfigKind.CONFIG_KIND_JANUS, ConfigDocument.newBuilder().setJanus(janus).build()))
                .contains(janus.getGeneral().getAdminSecret(), janus.getVideoroom().getAdminKey(),
                          janus.getStreaming().getAdminKey(), janus.getTextroom().getAdminKey(),
                          janus.getEvents().getToken(), "a \"quoted\" turn password");
        ConfigDocument coturn = DEFAULTS.of(ConfigKind.CONFIG_KIND_COTURN);
        assertThat(secretsOf(ConfigKind.CONFIG_KIND_COTURN, coturn))
                .containsExactly(coturn.getCoturn().getStaticAuthSecret());
        ConfigDocument nginx = DEFAULTS.of(ConfigKind.CONFIG_KIND_NGINX);
        assertThat(secretsOf(ConfigKind.CONFIG_KIND_NGINX, nginx))
                .containsExactly(nginx.getNginx().getRecordingsSecret());
    }

    @Test
    void aCheckThatPrintsTheFilesReportsThemWithTheSecretsMasked() {
        ConfigValidators echoing = new ConfigValidators(ValidationTools.from(
                Configs.load(Map.of()).getConfig("mediamesh.config-svc.validation"))).withJanusCheck(
                checked -> new ValidationResult(false, contentsOf(checked), 1));
        ConfigDocument document = DEFAULTS.of(ConfigKind.CONFIG_KIND_JANUS);
        ValidationResult result = echoing.validate(ConfigKind.CONFIG_KIND_JANUS, render(ConfigKind.CONFIG_KIND_JANUS,
                                                                                       document));
        assertThat(result.ok()).isFalse();
        assertThat(result.toolOutput()).contains("admin_secret = \"(secret)\"", "admin_key = \"(secret)\"")
                                       .doesNotContain(document.getJanus().getGeneral().getAdminSecret())
                                       .doesNotContain(document.getJanus().getVideoroom().getAdminKey())
                                       .doesNotContain(document.getJanus().getEvents().getToken());
    }

    private List<String> secretsOf(ConfigKind kind, ConfigDocument document) throws IOException {
        Path kindFolder = Files.createDirectory(folder.resolve(kind.name()));
        for (ConfigFile file : render(kind, document)) {
            Files.write(kindFolder.resolve(file.getName()), file.getContent().toByteArray());
        }
        return List.copyOf(Secrets.in(kind, kindFolder));
    }

    private static List<ConfigFile> render(ConfigKind kind, ConfigDocument document) {
        RenderedConfig rendered = ConfigRenderer.render(kind, document, new RenderTarget(
                SERVER, DEFAULTS.of(ConfigKind.CONFIG_KIND_JANUS).getJanus()));
        return rendered.files();
    }

    private static String contentsOf(Path checked) {
        try (Stream<Path> files = Files.list(checked)) {
            return files.filter(Files::isRegularFile).map(file -> {
                try {
                    return Files.readString(file);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
