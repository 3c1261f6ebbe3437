package io.mediamesh.media.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.media.MediaSvcSettings;
import io.mediamesh.media.room.RecordingTools.ToolFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tools' failures as the worker sorts them (the real janus-pp-rec and ffmpeg): a file they
 * cannot read fails for good with their own words, a tool that is missing or runs too long may
 * pass; and the settings that pace the retries.
 */
class RecordingToolsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private final RecordingTools tools = new RecordingTools("janus-pp-rec", "ffmpeg", TIMEOUT);

    @TempDir
    Path dir;

    @Test
    void aFileThatIsNotARecordingFailsForGoodWithTheToolsOwnWords() throws IOException {
        Path mjr = Files.write(dir.resolve("garbage.mjr"), "not a recording at all".repeat(100).getBytes());
        ToolFailure failure = catchThrowableOfType(ToolFailure.class,
                                                   () -> tools.extract(mjr, dir.resolve("garbage.webm")));
        assertThat(failure.permanent()).isTrue();
        assertThat(failure.getMessage()).startsWith("janus-pp-rec failed (exit code 1): ")
                                        .contains("wrong prefix").doesNotContain("\u001B", "\n");
        assertThat(failure.getMessage().length()).isLessThan(RecordingTools.MAX_OUTPUT + 60);
    }

    @Test
    void ffmpegRefusingItsInputFailsForGood() throws IOException {
        Path notOpus = Files.write(dir.resolve("audio.opus"), new byte[] {1, 2, 3});
        ToolFailure failure = catchThrowableOfType(ToolFailure.class, () -> tools.mux(
                Optional.empty(), Optional.of(notOpus), dir.resolve("out.webm")));
        assertThat(failure.permanent()).isTrue();
        assertThat(failure.getMessage()).startsWith("ffmpeg failed (exit code ").contains("audio.opus");
    }

    @Test
    void aMissingOrHangingToolMayPass() throws IOException {
        ToolFailure missing = catchThrowableOfType(ToolFailure.class, () -> new RecordingTools(
                dir.resolve("no-such-tool").toString(), "ffmpeg", TIMEOUT).extract(dir.resolve("a.mjr"),
                                                                                  dir.resolve("a.webm")));
        assertThat(missing.permanent()).isFalse();
        assertThat(missing.getMessage()).startsWith("janus-pp-rec cannot be started: ");

        Path hanging = Files.writeString(dir.resolve("hanging"), "#!/bin/sh\nexec sleep 30\n");
        Files.setPosixFilePermissions(hanging, PosixFilePermissions.fromString("rwx------"));
        Instant start = Instant.now();
        ToolFailure slow = catchThrowableOfType(ToolFailure.class, () -> new RecordingTools(
                hanging.toString(), "ffmpeg", Duration.ofMillis(500)).extract(dir.resolve("a.mjr"),
                                                                             dir.resolve("a.webm")));
        assertThat(slow.permanent()).isFalse();
        assertThat(slow.getMessage()).isEqualTo("janus-pp-rec did not finish within PT0.5S.");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void retriesWaitLongerEachTimeUpToTheMaximum() {
        ConversionSettings settings = settings(Map.of());
        assertThat(settings.backoff(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.backoff(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(settings.backoff(4)).isEqualTo(Duration.ofSeconds(80));
        assertThat(settings.backoff(8)).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.backoff(1000)).isEqualTo(Duration.ofMinutes(10));
        assertThat(catchThrowableOfType(ConfigException.BadValue.class,
                                        () -> settings(Map.of("lease", "5m", "tool-timeout", "10m"))))
                .hasMessageContaining("lease");
        assertThat(catchThrowableOfType(ConfigException.BadValue.class, () -> settings(Map.of("max-attempts", 0))))
                .hasMessageContaining("max-attempts");
    }

    @Test
    void theToolsAreNamedByTheEnvironment() {
        ConversionSettings settings = MediaSvcSettings.from(Configs.load(Map.of(
                "MEDIAMESH_JANUS_PP_REC", "/opt/janus/bin/janus-pp-rec", "MEDIAMESH_FFMPEG", "/opt/ffmpeg")))
                .rooms().conversion();
        assertThat(settings.janusPpRec()).isEqualTo("/opt/janus/bin/janus-pp-rec");
        assertThat(settings.ffmpeg()).isEqualTo("/opt/ffmpeg");
        assertThat(MediaSvcSettings.from(Configs.load(Map.of())).rooms().conversion().janusPpRec())
                .isEqualTo("janus-pp-rec");
    }

    @Test
    void aTitleFitsAVideoNameWhateverTheRoomIsCalled() {
        Instant started = Instant.parse("2026-12-04T18:10:42Z");
        ConversionRepository.Job named = new ConversionRepository.Job(1, 42, 7, "alice", "Weekly standup", started,
                                                                      started.plusSeconds(60), 1);
        assertThat(RecordingConversions.title(named, "")).isEqualTo("Recording of Weekly standup 2026-12-04 18:10 UTC");
        assertThat(RecordingConversions.title(named, " #2"))
                .isEqualTo("Recording of Weekly standup 2026-12-04 18:10 UTC #2");
        ConversionRepository.Job unnamed = new ConversionRepository.Job(1, 42, 7, "alice", "", started, started, 1);
        assertThat(RecordingConversions.title(unnamed, "")).isEqualTo("Recording of room 42 2026-12-04 18:10 UTC");
        ConversionRepository.Job longName = new ConversionRepository.Job(1, 42, 7, "alice", "\uD83C\uDFA5".repeat(100),
                                                                         started, started, 1);
        String title = RecordingConversions.title(longName, " #12");
        assertThat(title.codePointCount(0, title.length())).isEqualTo(64);
        assertThat(title).endsWith("\uD83C\uDFA5\u2026 2026-12-04 18:10 UTC #12");
    }

    private static ConversionSettings settings(Map<String, Object> overrides) {
        return ConversionSettings.from(ConfigFactory.parseMap(overrides).withFallback(
                ConfigFactory.defaultReference().getConfig("mediamesh.media-svc.rooms.conversion")));
    }
}
