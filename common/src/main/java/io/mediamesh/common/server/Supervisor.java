package io.mediamesh.common.server;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handshake with the process that started this one and keeps it running ({@code ./mediamesh up}'s
 * launcher puts its own pid in {@value #PID_VARIABLE}): once that process is gone, this one stops as on
 * SIGTERM. A supervisor stops its children itself; this covers one that could not (SIGKILL, a crash),
 * whose children would otherwise keep running, holding their ports. Like systemd's {@code LISTEN_PID}
 * it is an agreement between two processes rather than configuration, so it is read from the
 * environment directly.
 */
public final class Supervisor {
    public static final String PID_VARIABLE = "MEDIAMESH_SUPERVISOR_PID";
    private static final Logger logger = LoggerFactory.getLogger(Supervisor.class);

    private Supervisor() {}

    /** Exits (running the shutdown hooks) once the supervisor named in {@code environment} is gone, if one is. */
    static void exitWhenGone(String name, Map<String, String> environment) {
        String pid = environment.get(PID_VARIABLE);
        if (pid == null || pid.isBlank()) {
            return;
        }
        gone(parsePid(pid)).thenRun(() -> {
            logger.warn("{}: the process that started it (pid {}) is gone: stopping", name, pid.trim());
            System.exit(0);
        });
    }

    /** Completes once the process {@code pid} has exited (at once when there is none). */
    static CompletableFuture<?> gone(long pid) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        return process.isPresent() ? process.get().onExit() : CompletableFuture.completedFuture(null);
    }

    private static long parsePid(String pid) {
        try {
            return Long.parseLong(pid.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PID_VARIABLE + " must be a process id, got '" + pid + "'", e);
        }
    }
}
