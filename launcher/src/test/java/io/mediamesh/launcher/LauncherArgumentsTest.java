package io.mediamesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
final class LauncherArgumentsTest {
    private static final Path HERE = Path.of("/work/here");

    @Test
    void upTakesTheRootAndReplicaCounts() {
        LauncherArguments up = LauncherArguments.parse(new String[] { "--root", "/checkout", "--replicas=gateway=2" }, HERE);
        assertThat(up.root()).isEqualTo(Path.of("/checkout"));
        assertThat(up.replicas().of(MeshService.GATEWAY)).isEqualTo(2);
        assertThat(up.mediaPlane()).isEmpty();
        assertThat(LauncherArguments.parse(new String[0], HERE).root()).isEqualTo(HERE);
    }

    @Test
    void mediaPlaneStopAndStatusComeLast() {
        assertThat(LauncherArguments.parse(new String[] { "--root", "/c", "media-plane", "stop" }, HERE).mediaPlane())
                .contains(LauncherArguments.PlaneCommand.STOP);
        assertThat(LauncherArguments.parse(new String[] { "media-plane", "status" }, HERE).mediaPlane())
                .contains(LauncherArguments.PlaneCommand.STATUS);
        assertThatThrownBy(() -> LauncherArguments.parse(new String[] { "media-plane", "start" }, HERE))
                .hasMessageContaining("unexpected argument media-plane");
        assertThatThrownBy(() -> LauncherArguments.parse(new String[] { "media-plane", "stop", "now" }, HERE))
                .hasMessageContaining("unexpected argument media-plane");
        assertThatThrownBy(() -> LauncherArguments.parse(new String[] { "--replicas", "gateway=2", "media-plane", "stop" },
                                                         HERE))
                .hasMessageContaining("media-plane takes no --replicas");
        assertThatThrownBy(() -> LauncherArguments.parse(new String[] { "up" }, HERE))
                .hasMessageContaining("unexpected argument up");
    }

}
