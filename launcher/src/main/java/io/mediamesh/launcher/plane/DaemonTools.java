package io.mediamesh.launcher.plane;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The programs the plane runs, as installed on this machine. */
public record DaemonTools(Path nginx, Path janus, Path turnserver) {
    /** What to install when something is missing (Debian's packages). */
    public static final String INSTALL = "sudo apt-get install -y nginx janus coturn";

    /**
     * The programs found on {@code path} (PATH's folders), or the packages missing, by the names
     * {@link #INSTALL} gives them; Janus needs its janus-cfgconv too, with which the agents check its files.
     */
    public static Found find(String path) {
        Optional<Path> nginx = program("nginx", path);
        Optional<Path> janus = program("janus", path).filter(found -> program("janus-cfgconv", path).isPresent());
        Optional<Path> turnserver = program("turnserver", path);
        List<String> missing = new ArrayList<>();
        if (nginx.isEmpty()) {
            missing.add("nginx");
        }
        if (janus.isEmpty()) {
            missing.add("janus");
        }
        if (turnserver.isEmpty()) {
            missing.add("coturn");
        }
        return missing.isEmpty() ? new Found(Optional.of(new DaemonTools(nginx.get(), janus.get(), turnserver.get())),
                                             List.of())
                                 : new Found(Optional.empty(), List.copyOf(missing));
    }

    /** The tools, or the packages that are missing. */
    public record Found(Optional<DaemonTools> tools, List<String> missing) {}

    /**
     * {@code name} on {@code path}, else in /usr/sbin or /usr/bin, where Debian puts the daemons (a user's
     * PATH often lacks /usr/sbin).
     */
    public static Optional<Path> program(String name, String path) {
        return Stream.concat(Stream.of((path == null ? "" : path).split(File.pathSeparator)),
                             Stream.of("/usr/sbin", "/usr/bin"))
                     .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, name)).filter(Files::isExecutable)
                     .findFirst();
    }

    Path of(Daemon daemon) {
        return switch (daemon) {
            case NGINX -> nginx;
            case JANUS -> janus;
            case COTURN -> turnserver;
        };
    }
}
