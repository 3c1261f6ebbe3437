package io.mediamesh.media.testing;

import java.util.concurrent.TimeUnit;

/** Ending the server processes tests start. */
final class Processes {
    private Processes() {}

    /** SIGTERM (the server's own clean shutdown), SIGKILL after 10 s; returns once it is gone. */
    static void terminate(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
