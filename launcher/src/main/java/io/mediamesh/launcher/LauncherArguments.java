package io.mediamesh.launcher;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The launcher's command line: {@code --root CHECKOUT} and either {@code up}'s {@code --replicas
 * SERVICE=N,...}, or {@code media-plane stop|status}, what is left of the demo media plane after a
 * launcher that was killed.
 */
record LauncherArguments(Path root, ReplicaCounts replicas, Optional<PlaneCommand> mediaPlane) {
    static final String USAGE = "usage: --root CHECKOUT [--replicas SERVICE=N,...] | --root CHECKOUT media-plane stop|status";

    enum PlaneCommand { STOP, STATUS }

    /** @param workingDir what {@code --root} defaults to */
    static LauncherArguments parse(String[] args, Path workingDir) {
        Path root = workingDir;
        ReplicaCounts replicas = ReplicaCounts.none();
        Optional<PlaneCommand> mediaPlane = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--root") && i + 1 < args.length) {
                root = Path.of(args[++i]).toAbsolutePath().normalize();
            } else if (arg.equals("--replicas") && i + 1 < args.length) {
                replicas = ReplicaCounts.parse(args[++i]);
            } else if (arg.startsWith("--replicas=")) {
                replicas = ReplicaCounts.parse(arg.substring("--replicas=".length()));
            } else if (arg.equals("media-plane") && i == args.length - 2 && args[i + 1].matches("stop|status")) {
                mediaPlane = Optional.of(PlaneCommand.valueOf(args[++i].toUpperCase(Locale.ROOT)));
            } else {
                throw new IllegalArgumentException("unexpected argument " + arg + " (" + USAGE + ")");
            }
        }
        if (mediaPlane.isPresent() && !replicas.counts().isEmpty()) {
            throw new IllegalArgumentException("media-plane takes no --replicas (" + USAGE + ")");
        }
        return new LauncherArguments(root, replicas, mediaPlane);
    }
}
