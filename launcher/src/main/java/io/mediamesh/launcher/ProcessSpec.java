package io.mediamesh.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One process the launcher runs and keeps running: a replica of a service, or the embedded database.
 *
 * @param name         its name in messages and its log's name, e.g. {@code user-svc} or {@code user-svc-1}
 * @param command      the command line: never a secret on it, those travel in {@code environment} or files
 * @param environment  its whole environment (nothing else is inherited)
 * @param workDir      where it runs
 * @param log          where its output is appended, run after run, each run after a {@code ==== ... starting} line
 * @param readiness    how to know it is ready
 * @param startTimeout how long it may take to become ready before {@code up} gives up
 */
record ProcessSpec(String name, List<String> command, Map<String, String> environment, Path workDir, Path log,
                   Readiness readiness, Duration startTimeout) implements ReplicaSpec {
    ProcessSpec {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }
}
