package io.mediamesh.launcher;

import io.mediamesh.common.server.RunningService;

/**
 * A service {@link LocalMesh} runs in its own JVM, as the tests do: {@code start} returns it serving, as
 * its {@code Main} would (each service's {@code run}); it is ready once its {@code /health} answers, and
 * stopping it closes it. It is not restarted by itself: it cannot crash apart from the JVM.
 */
public record InJvmSpec(String name, Start start) implements ReplicaSpec {
    /** Starts the service and returns it serving. */
    @FunctionalInterface
    public interface Start {
        RunningService<?> start() throws Exception;
    }
}
