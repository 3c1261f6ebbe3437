package io.mediamesh.launcher.plane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A server's control scripts, {@code run-<kind>.sh ensure|restart}: the agent's reload command after an
 * apply (restart; nginx reloads), and what the plane runs to bring up a daemon that does not run
 * (ensure). Shell, since they start the daemons from the agent as well as from the launcher; each
 * daemon detaches itself and keeps a pid file in the server's folder.
 */
public final class ControlScripts {
    /**
     * Janus and coturn read their files only when they start: a restart stops the one that runs (its pid
     * file {@code $pid}) first, and ensure leaves it running.
     */
    private static final String STOP_RUNNING = """
            if [ -f "$pid" ] && kill -0 "$(cat "$pid")" 2>/dev/null; then
              [ "$1" = ensure ] && exit 0
              kill "$(cat "$pid")"
              for i in $(seq 1 50); do kill -0 "$(cat "$pid")" 2>/dev/null || break; sleep 0.1; done
            fi
            rm -f "$pid"
            """;
    private static final String NGINX = """
            #!/bin/sh
            # nginx of this server, from the agent's active files; relative paths resolve under nginx-prefix/.
            conf="@DIR@/agent/nginx/active/nginx.conf"
            [ -f "$conf" ] || { echo "no active nginx.conf yet"; exit 0; }
            if [ -f "@DIR@/nginx-prefix/logs/nginx.pid" ] && kill -0 "$(cat "@DIR@/nginx-prefix/logs/nginx.pid")" 2>/dev/null; then
              [ "$1" = ensure ] && exit 0
              exec "@TOOL@" -p "@DIR@/nginx-prefix/" -c "$conf" -s reload
            fi
            exec "@TOOL@" -p "@DIR@/nginx-prefix/" -c "$conf" </dev/null >>"@DIR@/nginx-prefix/logs/start.log" 2>&1
            """;
    private static final String JANUS = """
            #!/bin/sh
            # Janus of this server, from the agent's active files (Janus reads them only when it starts).
            conf="@DIR@/agent/janus/active"
            pid="@DIR@/janus-run/janus.pid"
            [ -f "$conf/janus.jcfg" ] || { echo "no active janus.jcfg yet"; exit 0; }
            @STOP_RUNNING@
            "@TOOL@" -b -p "$pid" -C "$conf/janus.jcfg" -F "$conf" -L "@DIR@/janus-run/janus.log" -N \\
              </dev/null >>"@DIR@/janus-run/start.log" 2>&1
            """;
    private static final String COTURN = """
            #!/bin/sh
            # coturn of this server, from the agent's active file (it reads it only when it starts).
            conf="@DIR@/agent/coturn/active/turnserver.conf"
            pid="@DIR@/coturn-run/turnserver.pid"
            [ -f "$conf" ] || { echo "no active turnserver.conf yet"; exit 0; }
            @STOP_RUNNING@
            "@TOOL@" -c "$conf" -o --pidfile "$pid" --userdb "@DIR@/coturn-run/turndb" \\
              </dev/null >>"@DIR@/coturn-run/start.log" 2>&1
            """;

    private ControlScripts() {}

    /** Writes the three scripts of {@code folder} (and the folders they use), which run {@code tools}. */
    public static void write(ServerFolder folder, DaemonTools tools) throws IOException {
        Path dir = folder.dir();
        for (String sub : new String[] { "nginx-prefix/logs", "janus-run", "coturn-run", "recordings" }) {
            Files.createDirectories(dir.resolve(sub));
        }
        for (Daemon daemon : Daemon.values()) {
            Path script = folder.controlScript(daemon);
            Files.writeString(script, text(daemon, dir, tools.of(daemon)), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** The script of {@code daemon} in {@code dir}, which runs the program {@code tool}. */
    static String text(Daemon daemon, Path dir, Path tool) {
        String template = switch (daemon) {
            case NGINX -> NGINX;
            case JANUS -> JANUS;
            case COTURN -> COTURN;
        };
        return template.replace("@STOP_RUNNING@\n", STOP_RUNNING).replace("@DIR@", dir.toString())
                       .replace("@TOOL@", tool.toString());
    }
}
