package io.mediamesh.launcher;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** A replica as {@link LocalMesh} handles it, whatever runs it. */
sealed interface Supervised permits Replica, InJvmReplica {
    String name();

    void start() throws IOException, MeshStartException;

    /** Waits until it is ready; gives up (InterruptedException) once {@code abandoned} holds. */
    void awaitReady(BooleanSupplier abandoned) throws MeshStartException, InterruptedException;

    /** Begins to stop it (no restart after this); what to wait on, if anything runs. */
    Optional<Stopping> beginStop();

    /**
     * Stops it as asked (within {@code grace}, then by force where it can be forced): not a crash, so not
     * restarted until {@link #startAgain}.
     */
    void stopNow(Duration grace);

    /** Starts it again after {@link #stopNow} and waits until it is ready. */
    default void startAgain() throws IOException, MeshStartException, InterruptedException {
        start();
        awaitReady(() -> false);
    }

    /** A stop under way. */
    interface Stopping {
        /** Waits for the stop to end: up to {@code grace}, then forces it where it can. */
        void finish(Duration grace);
    }
}
