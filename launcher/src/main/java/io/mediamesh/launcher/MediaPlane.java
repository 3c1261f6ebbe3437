package io.mediamesh.launcher;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The demo topology (origin, relay, two edges with agents, nginx, Janus, coturn on loopback) of
 * scripts/media-plane.sh, which stays a script: it drives the system's daemons, network namespaces and
 * the gateway's admin API with shell tools. {@code up} runs its {@code start} after the services and its
 * {@code stop} before them. It says itself what is missing when nginx, janus or coturn is not installed.
 */
final class MediaPlane {
    private final Path script;
    private final Map<String, String> environment;
    private final Console console;
    private final BooleanSupplier stopRequested;

    MediaPlane(Path root, Map<String, String> environment, Console console, BooleanSupplier stopRequested) {
        this.stopRequested = stopRequested;
        this.script = root.resolve("scripts/media-plane.sh");
        this.environment = Map.copyOf(environment);
        this.console = console;
    }

    /** The Janus URLs' origins rooms hand to browsers, which the gateway's site policy must allow. */
    List<String> origins() throws IOException, InterruptedException {
        Process origins = builder("origins").redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        origins.getOutputStream().close();
        String output = new String(origins.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        origins.waitFor();
        return output.lines().filter(line -> !line.isBlank()).toList();
    }

    /** Starts the plane; the mesh runs without it when it cannot start. */
    void start() throws IOException, InterruptedException {
        if (!installed("jq")) {
            console.say("the demo media plane needs jq: apt-get install -y jq");
            return;
        }
        // Not needed to start: without it, ended room recordings wait (retried, then reported failed).
        if (!installed("janus-pp-rec")) {
            console.say("room recordings become videos only with janus-pp-rec: apt-get install -y janus-tools");
        }
        if (run("start", stopRequested) != 0) {
            console.say("the demo media plane did not start (see above); the mesh runs without it");
        }
    }

    void stop() {
        try {
            if (run("stop", () -> false) != 0) {
                console.say("the demo media plane did not stop cleanly");
            }
        } catch (IOException | InterruptedException e) {
            console.say("the demo media plane did not stop cleanly: " + e);
        }
    }

    /** Runs the script's {@code command}; gives up on it (InterruptedException) once {@code abandoned} holds. */
    private int run(String command, BooleanSupplier abandoned) throws IOException, InterruptedException {
        Process process = builder(command).start();
        process.getOutputStream().close();
        try {
            while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
                if (abandoned.getAsBoolean()) {
                    throw new InterruptedException("media-plane.sh " + command + " was abandoned");
                }
            }
            return process.exitValue();
        } finally {
            if (process.isAlive()) {
                process.destroy();
                process.waitFor();
            }
        }
    }

    private ProcessBuilder builder(String command) {
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), command)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().clear();
        builder.environment().putAll(environment);
        return builder;
    }

    private boolean installed(String tool) {
        String path = environment.getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/usr/bin";
        return Stream.of(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                     .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }
}
