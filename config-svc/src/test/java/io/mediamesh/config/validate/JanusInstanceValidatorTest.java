package io.mediamesh.config.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.mediamesh.api.v1.ConfigFile;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.common.config.Configs;
import io.mediamesh.config.ConfigKinds;
import io.mediamesh.config.render.ConfigRenderer;
import io.mediamesh.config.render.RenderTarget;
import io.mediamesh.config.revision.DefaultDocuments;
import io.mediamesh.config.server.MediaServerRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The throwaway Janus instance (real janus) on rendered files: what starts, what Janus refuses, what is left. */
class JanusInstanceValidatorTest {
    private static final ValidationTools TOOLS = ValidationTools.from(
            Configs.load(Map.of()).getConfig("mediamesh.config-svc.validation"));
    /** As config-svc builds them: janus-cfgconv, then the instance (janus-instance is on by default). */
    private static final ConfigValidators VALIDATORS = ConfigValidators.configured(TOOLS);
    private static final DefaultDocuments DEFAULTS = new DefaultDocuments(new SecureRandom());

    private static List<ConfigFile> renderedJanus() {
        return ConfigRenderer.render(ConfigKind.CONFIG_KIND_JANUS, DEFAULTS.of(ConfigKind.CONFIG_KIND_JANUS),
                                     new RenderTarget(MediaServerRecord.sample(MediaServerRole.MEDIA_SERVER_ROLE_EDGE),
                                                      DEFAULTS.of(ConfigKind.CONFIG_KIND_JANUS).getJanus()))
                             .files();
    }

    /** The files with janus.jcfg's text changed by {@code edit}. */
    private static List<ConfigFile> withCore(UnaryOperator<String> edit) {
        List<ConfigFile> files = new ArrayList<>();
        for (ConfigFile file : renderedJanus()) {
            files.add(!file.getName().equals(ConfigKinds.JANUS_FILE) ? file : file.toBuilder().setContent(
                    ByteString.copyFromUtf8(edit.apply(file.getContent().toStringUtf8()))).build());
        }
        return files;
    }

    @AfterEach
    void noJanusIsLeftRunning() throws Exception {
        Process pgrep = new ProcessBuilder("pgrep", "-f", "mediamesh-janus-check-").start();
        String pids = new String(pgrep.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(pgrep.waitFor()).as("janus check instances still running: %s", pids).isEqualTo(1);
        try (var temporary = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(temporary.map(p -> p.getFileName().toString())
                                .filter(name -> name.startsWith("mediamesh-janus-check-"))).isEmpty();
        }
    }

    @Test
    void theRenderedDefaultsStartOnLoopbackWithTheirPlugins() {
        ValidationResult result = VALIDATORS.validate(ConfigKind.CONFIG_KIND_JANUS, renderedJanus());
        assertThat(result.ok()).as(result.toolOutput()).isTrue();
        assertThat(result.toolOutput()).contains("janus.jcfg: ok")
                                       .contains("janus: started on loopback, plugins loaded: janus.plugin.streaming, " +
                                                 "janus.plugin.textroom, janus.plugin.videoroom");
    }

    @Test
    void aJanusJcfgTheParserAcceptsButJanusRefusesFailsWithJanussMessage() {
        List<ConfigFile> broken = withCore(core -> core.replaceFirst(
                "general: \\{\n", "general: {\n\tplugins_folder = \"/nonexistent/mediamesh-plugins\"\n"));
        ValidationResult result = VALIDATORS.validate(ConfigKind.CONFIG_KIND_JANUS, broken);
        assertThat(result.ok()).isFalse();
        // janus-cfgconv had no objection: the instance is what refused it.
        assertThat(result.toolOutput()).contains("janus.jcfg: ok")
                                       .contains("janus exited with status 1 before answering /janus/info.")
                                       .contains("Couldn't access plugins folder")
                                       .doesNotContain("\u001B[");
        assertThat(result.exitCode()).isEqualTo(1);
    }

    @Test
    void aConfiguredPluginThatDoesNotLoadFails(@TempDir Path folder) throws Exception {
        List<ConfigFile> rendered = renderedJanus();
        for (ConfigFile file : rendered) {
            Files.write(folder.resolve(file.getName()), file.getContent().toByteArray());
        }
        Files.writeString(folder.resolve("janus.plugin.nonexistent.jcfg"), "general: {\n}\n");
        ValidationResult result = new JanusInstanceValidator(TOOLS).validate(folder);
        assertThat(result.ok()).isFalse();
        assertThat(result.toolOutput()).startsWith("janus started but did not load janus.plugin.nonexistent.");
        // The checked folder is left as it was.
        assertThat(Files.readString(folder.resolve(ConfigKinds.JANUS_FILE)))
                .isEqualTo(rendered.stream().filter(file -> file.getName().equals(ConfigKinds.JANUS_FILE)).findFirst()
                                   .orElseThrow().getContent().toStringUtf8());
    }
}
