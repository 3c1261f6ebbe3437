package io.mediamesh.launcher.plane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The daemons of the plane by their pid files: they detach from whoever started them (the agent or the
 * launcher), so that a restart of the agent leaves them running, and are found again only this way.
 */
public final class PidFiles {
    /** Janus takes about two seconds to exit. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private PidFiles() {}

    /**
     * The process a pid file names, while it runs. Janus removes its pid file as it exits: a file read
     * just after the check may be gone.
     */
    public static Optional<ProcessHandle> running(Path pidFile) {
        try {
            String pid = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
            return pid.matches("[0-9]{1,10}") ? ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive)
                                              : Optional.empty();
        } catch (IOException gone) {
            return Optional.empty();
        }
    }

    /** Sends SIGTERM to every daemon of {@code folders} that runs, and waits a while for them to exit. */
    public static void stopAll(List<ServerFolder> folders) throws InterruptedException {
        List<CompletableFuture<ProcessHandle>> exits = new ArrayList<>();
        for (ServerFolder folder : folders) {
            for (Daemon daemon : Daemon.values()) {
                running(daemon.pidFile(folder)).ifPresent(process -> {
                    process.destroy();
                    exits.add(process.onExit());
                });
            }
        }
        try {
            CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new))
                             .get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException stillStopping) {
            // As the daemons' own stop: they end by themselves, only later.
        }
    }
}
