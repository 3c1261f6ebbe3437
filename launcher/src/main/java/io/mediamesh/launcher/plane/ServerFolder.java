package io.mediamesh.launcher.plane;

import java.nio.file.Path;

/**
 * A server's folder, {@code $MEDIAMESH_HOME/media-plane/<server>/}: the agent's root with the kinds'
 * active files, the control scripts, each daemon's pid file and logs, and Janus's recordings.
 */
public record ServerFolder(Path dir) {
    public static ServerFolder of(Path home, PlaneServer server) {
        return new ServerFolder(home.resolve("media-plane").resolve(server.name()));
    }

    public Path agentRoot() {
        return dir.resolve("agent");
    }

    public Path agentLog() {
        return dir.resolve("agent.log");
    }

    public Path recordings() {
        return dir.resolve("recordings");
    }

    /** {@code run-<kind>.sh ensure|restart}: see {@link ControlScripts}. */
    public Path controlScript(Daemon daemon) {
        return dir.resolve("run-" + daemon.kind() + ".sh");
    }
}
