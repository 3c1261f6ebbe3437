package io.mediamesh.launcher.plane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("fast")
final class ControlScriptsTest {
    @Test
    void eachDaemonGetsAnExecutableScriptThatStartsItFromTheAgentsActiveFiles(@TempDir Path home) throws Exception {
        ServerFolder folder = ServerFolder.of(home, PlaneServer.DEMO.get(1));
        ControlScripts.write(folder, new DaemonTools(Path.of("/usr/sbin/nginx"), Path.of("/usr/bin/janus"),
                                                     Path.of("/usr/bin/turnserver")));
        Path dir = home.resolve("media-plane/demo-relay");
        assertThat(folder.dir()).isEqualTo(dir);
        for (Daemon daemon : Daemon.values()) {
            assertThat(folder.controlScript(daemon)).isExecutable();
        }
        assertThat(dir.resolve("nginx-prefix/logs")).isDirectory();
        assertThat(Files.readString(folder.controlScript(Daemon.JANUS)))
                .contains("conf=\"" + dir + "/agent/janus/active\"", "pid=\"" + dir + "/janus-run/janus.pid\"",
                          "  kill \"$(cat \"$pid\")\"\n",
                          "fi\nrm -f \"$pid\"\n\"/usr/bin/janus\" -b -p \"$pid\" -C \"$conf/janus.jcfg\" -F \"$conf\"")
                .doesNotContain("@");
        assertThat(Daemon.JANUS.pidFile(folder)).isEqualTo(dir.resolve("janus-run/janus.pid"));
        for (Daemon daemon : Daemon.values()) {
            Process check = new ProcessBuilder("sh", "-n", folder.controlScript(daemon).toString()).start();
            assertThat(check.waitFor()).as("sh -n of %s", folder.controlScript(daemon)).isZero();
        }
    }
}
