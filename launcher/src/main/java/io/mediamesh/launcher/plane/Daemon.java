package io.mediamesh.launcher.plane;

import java.nio.file.Path;
import java.util.List;

/**
 * A media server daemon of the plane, in the order of its applies: coturn first, since Janus checks
 * its STUN server (the server's coturn) when it starts.
 */
public enum Daemon {
    COTURN("coturn", "coturn-run/turnserver.pid"),
    JANUS("janus", "janus-run/janus.pid"),
    NGINX("nginx", "nginx-prefix/logs/nginx.pid");

    private final String kind;
    private final String pidFile;

    Daemon(String kind, String pidFile) {
        this.kind = kind;
        this.pidFile = pidFile;
    }

    /** Its config kind, as config-svc and the agent name it. */
    public String kind() {
        return kind;
    }

    public Path pidFile(ServerFolder folder) {
        return folder.dir().resolve(pidFile);
    }

    /** The ports it listens on, which must be free before it starts. */
    public List<Integer> ports(PlanePorts ports) {
        return switch (this) {
            case COTURN -> List.of(ports.coturn());
            case JANUS -> List.of(ports.janusHttp(), ports.janusAdmin());
            case NGINX -> List.of(ports.nginx());
        };
    }
}
