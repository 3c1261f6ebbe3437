package io.mediamesh.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * {@code java -jar mediamesh-launcher.jar --root CHECKOUT [--replicas SERVICE=N,...]}: what
 * {@code ./mediamesh up} runs once the jars are built (see {@link Up}). SIGTERM, SIGINT (Ctrl-C) and
 * SIGHUP stop the mesh in order and end with status 0; a start that fails ends with 1.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Console console = Console.system();
        Path root = Path.of("").toAbsolutePath();
        ReplicaCounts replicas = ReplicaCounts.none();
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--root") && i + 1 < args.length) {
                    root = Path.of(args[++i]).toAbsolutePath().normalize();
                } else if (arg.equals("--replicas") && i + 1 < args.length) {
                    replicas = ReplicaCounts.parse(args[++i]);
                } else if (arg.startsWith("--replicas=")) {
                    replicas = ReplicaCounts.parse(arg.substring("--replicas=".length()));
                } else {
                    throw new IllegalArgumentException("up: unexpected argument " + arg
                                                       + " (usage: up [--replicas SERVICE=N,...])");
                }
            }
        } catch (IllegalArgumentException e) {
            console.warn(e.getMessage());
            System.exit(2);
        }
        String version = Main.class.getPackage().getImplementationVersion();
        if (version == null) {
            console.warn("run the launcher from its jar (its manifest names the version of the jars to start)");
            System.exit(2);
        }

        CountDownLatch stopRequested = new CountDownLatch(1);
        // Handled here rather than by shutdown hooks: the mesh stops in order, and up ends with status 0.
        for (String signal : List.of("TERM", "INT", "HUP")) {
            try {
                Signal.handle(new Signal(signal), received -> stopRequested.countDown());
            } catch (IllegalArgumentException reservedHere) {
                // The JVM keeps this signal (e.g. -Xrs): it then ends the launcher without the ordered stop.
            }
        }
        int status;
        try {
            status = new Up(root, version, System.getenv(), replicas, console, stopRequested).run();
        } catch (RuntimeException | java.io.IOException e) {
            console.warn(e.getMessage() == null ? e.toString() : e.getMessage());
            status = 1;
        }
        System.exit(status);
    }
}
