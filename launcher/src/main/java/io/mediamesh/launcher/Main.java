package io.mediamesh.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * {@code java -jar mediamesh-launcher.jar --root CHECKOUT [--replicas SERVICE=N,...]}: what
 * {@code ./mediamesh up} runs once the jars are built (see {@link Up}). SIGTERM, SIGINT (Ctrl-C) and
 * SIGHUP stop the mesh in order and end with status 0; a start that fails ends with 1.
 * {@code --root CHECKOUT media-plane stop|status} ({@code ./mediamesh media-plane}) stops what is left of
 * the demo media plane after a launcher that was killed, or says what of it runs.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Console console = Console.system();
        LauncherArguments arguments = null;
        try {
            arguments = LauncherArguments.parse(args, Path.of("").toAbsolutePath());
        } catch (IllegalArgumentException e) {
            console.warn(e.getMessage());
            System.exit(2);
        }
        if (arguments.mediaPlane().isPresent()) {
            System.exit(mediaPlane(arguments.mediaPlane().get(), console));
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
            status = new Up(arguments.root(), version, System.getenv(), arguments.replicas(), console, stopRequested)
                    .run();
        } catch (RuntimeException | java.io.IOException e) {
            console.warn(e.getMessage() == null ? e.toString() : e.getMessage());
            status = 1;
        }
        System.exit(status);
    }

    private static int mediaPlane(LauncherArguments.PlaneCommand command, Console console) {
        try {
            MediaPlane plane = new MediaPlane(System.getenv(), console, () -> false);
            switch (command) {
                case STOP -> plane.stop();
                case STATUS -> plane.status();
            }
            return 0;
        } catch (IllegalArgumentException e) {
            console.warn(e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            return 1;
        }
    }
}
